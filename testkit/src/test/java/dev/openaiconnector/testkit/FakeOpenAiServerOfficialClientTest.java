package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.testkit.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wire compatibility: the official {@code openai} npm client (version 6, on Node 20 or later),
 * pointed at the fake server by base URL, reads every kind of answer correctly. The Node side is
 * {@code src/test/node/wire-check.mjs}; it checks what the client parsed and prints what the Java
 * side compares with the fakes' own functions. Skipped, with the command to run, where the npm
 * packages are not installed; on CI ({@code CI=true}) that fails instead.
 */
class FakeOpenAiServerOfficialClientTest {
  private static final String KEY = "sk-wire-check";
  // Surefire sets basedir (and runs in it); an IDE may run elsewhere.
  private static final Path NODE_PROJECT =
      Path.of(System.getProperty("basedir", "."), "src", "test", "node").toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String INSTALL = "npm ci --prefix testkit/src/test/node";

  @TempDir Path output;

  @BeforeAll
  static void requireNodeAndTheOfficialClient() {
    String problem = null;
    if (!Files.isRegularFile(NODE_PROJECT.resolve("node_modules/openai/package.json"))) {
      problem = "the openai npm package is not installed in " + NODE_PROJECT;
    } else {
      String version = nodeVersion();
      if (version == null) {
        problem = "Node.js (node) is not on the PATH";
      } else if (major(version) < 20) {
        problem = "the openai npm package needs Node 20 or later, found " + version;
      }
    }
    if (problem == null) {
      return;
    }
    String message =
        "The wire check against the official OpenAI client cannot run: "
            + problem
            + "; from the repository root run: "
            + INSTALL;
    if ("true".equalsIgnoreCase(String.valueOf(System.getenv("CI")).trim())) {
      throw new IllegalStateException(message + " (CI=true: the wire check must run)");
    }
    Assumptions.abort(message);
  }

  @Test
  void theOfficialClientReadsEveryOpenAiAnswer() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().apiKey(KEY).start()) {
      Map<?, ?> result = run("openai", server.baseUrl().toString());

      assertThat(result.get("chat")).isEqualTo("Echo: Hello there");
      assertThat(path(result, "stream", "text")).isEqualTo("Echo: Stream a few words please");
      assertThat(((Number) path(result, "stream", "contentChunks")).intValue())
          .isGreaterThanOrEqualTo(1);
      assertThat(path(result, "toolCall", "name")).isEqualTo("get_weather");
      assertThat(Json.write(path(result, "toolCall", "arguments")))
          .isEqualTo("{\"city\":\"sample\",\"unit\":\"celsius\",\"days\":1}");
      assertDecodedVectors(result.get("embeddings"), "text-embedding-3-small");
      assertThat(String.valueOf(result.get("models"))).contains("gpt-4o-mini");
      assertThat(result.get("model")).isEqualTo("gpt-4o-mini");
      // The client asked for base64 unless told otherwise, and the fake answered in kind.
      assertThat(embeddingFormats(server)).contains("base64", "float");
    }
  }

  @Test
  void theOfficialClientReadsEveryAzureAnswerOnBothLayouts() throws Exception {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.builder()
            .azureApiKey(KEY)
            .azureBearerToken(KEY)
            .azureDeployment("chat", "gpt-4o-mini")
            .azureDeployment("embed", "text-embedding-3-small")
            .azureDeployment("image", "gpt-image-1")
            .start()) {
      Map<?, ?> result = run("azure", server.azureEndpoint().toString());

      for (String prefix : List.of("", "v1")) {
        String chat = prefix.isEmpty() ? "chat" : "v1Chat";
        String stream = prefix.isEmpty() ? "stream" : "v1Stream";
        String tool = prefix.isEmpty() ? "toolCall" : "v1ToolCall";
        String embeddings = prefix.isEmpty() ? "embeddings" : "v1Embeddings";
        assertThat(result.get(chat)).isEqualTo("Echo: Hello there");
        assertThat(path(result, stream, "text")).isEqualTo("Echo: Stream a few words please");
        assertThat(path(result, tool, "name")).isEqualTo("get_weather");
        assertDecodedVectors(result.get(embeddings), "text-embedding-3-small");
      }
      assertThat(result.get("entraChat")).isEqualTo("Echo: Hello there");
      assertThat(server.requests())
          .anyMatch(request -> request.header("api-key").isPresent())
          .anyMatch(request -> request.header("Authorization").isPresent())
          .anyMatch(request -> request.path().startsWith("/openai/deployments/chat/"))
          .anyMatch(request -> request.path().startsWith("/openai/v1/"));
    }
  }

  @Test
  void theOfficialClientRetriesAndReportsScriptedFaults() throws Exception {
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().apiKey(KEY).start()) {
      server
          .enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"))
          .enqueue(FakeResponse.chatCompletion("Echo: after a retry"))
          .enqueue(FakeResponse.rateLimited(Duration.ofSeconds(1)))
          .enqueue(FakeResponse.streamedChatCompletion("cut me please", 3).cutAfter(2));

      Map<?, ?> result = run("faults", server.baseUrl().toString());

      assertThat(result.get("retried")).isEqualTo("Echo: after a retry");
      assertThat("cut me please").startsWith((String) result.get("beforeCut"));
      assertThat(server.requestCount()).isEqualTo(4);
    }
  }

  /** The vectors the client decoded are the ones the fakes compute for the same texts. */
  private static void assertDecodedVectors(Object embeddings, String model) {
    Map<?, ?> result = (Map<?, ?>) embeddings;
    List<?> texts = (List<?>) result.get("texts");
    List<?> vectors = (List<?>) result.get("vectors");
    int dimensions = ((Number) result.get("dimensions")).intValue();
    assertThat(vectors).hasSameSizeAs(texts);
    for (int i = 0; i < texts.size(); i++) {
      List<?> decoded = (List<?>) vectors.get(i);
      float[] vector = new float[decoded.size()];
      for (int d = 0; d < vector.length; d++) {
        vector[d] = ((Number) decoded.get(d)).floatValue();
      }
      assertThat(vector)
          .as("the decoded vector of %s", texts.get(i))
          .isEqualTo(FakeEmbeddingsPort.vector(model, (String) texts.get(i), dimensions));
    }
    // And they are useful: the two sentences about a cat are closer than the one about stocks.
    float[] first = FakeEmbeddingsPort.vector(model, (String) texts.get(0), dimensions);
    float[] second = FakeEmbeddingsPort.vector(model, (String) texts.get(1), dimensions);
    float[] third = FakeEmbeddingsPort.vector(model, (String) texts.get(2), dimensions);
    assertThat(FakeOpenAiServerEmbeddingsTest.cosine(first, second))
        .isGreaterThan(FakeOpenAiServerEmbeddingsTest.cosine(first, third));
  }

  private static List<String> embeddingFormats(FakeOpenAiServer server) {
    List<String> formats = new ArrayList<>();
    for (RecordedRequest request : server.requests()) {
      if (request.path().endsWith("/embeddings")) {
        Object format = ((Map<?, ?>) Json.parse(request.body())).get("encoding_format");
        formats.add(String.valueOf(format));
      }
    }
    return formats;
  }

  private Map<?, ?> run(String scenario, String url) throws IOException, InterruptedException {
    Path stdout = output.resolve(scenario + ".out");
    Path stderr = output.resolve(scenario + ".err");
    ProcessBuilder builder =
        new ProcessBuilder("node", "wire-check.mjs", scenario, url, KEY)
            .directory(NODE_PROJECT.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    // The client reads these; the developer's own must not point it elsewhere.
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("OPENAI_") || name.startsWith("AZURE_"));
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "node wire-check.mjs " + scenario + " took over " + TIMEOUT + ": " + read(stderr));
    }
    assertThat(process.exitValue())
        .as("node wire-check.mjs %s failed:%n%s", scenario, read(stderr))
        .isZero();
    return (Map<?, ?>) Json.parse(read(stdout).trim());
  }

  private static java.io.File nullFile() {
    boolean windows = System.getProperty("os.name").startsWith("Windows");
    return new java.io.File(windows ? "NUL" : "/dev/null");
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static String nodeVersion() {
    try {
      Process process =
          new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0
          ? version.trim()
          : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static int major(String version) {
    String digits = version.startsWith("v") ? version.substring(1) : version;
    int dot = digits.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
