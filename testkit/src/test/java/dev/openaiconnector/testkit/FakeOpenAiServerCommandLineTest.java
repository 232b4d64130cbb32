package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake server as a program of its own, as tests in other languages start it: a JVM with only
 * the testkit's classes on its class path, which prints the base URL on the first line of
 * standard output, serves, and stops on SIGTERM or, when asked to, when standard input closes.
 */
class FakeOpenAiServerCommandLineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String HELLO =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final List<Process> processes = new ArrayList<>();
  private final Map<Process, Path> stderrs = new HashMap<>();
  @TempDir Path errors;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @AfterEach
  void stopLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process start(String... options) throws IOException {
    Path classes =
        Path.of(
            FakeOpenAiServer.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    // The testkit alone: the server must not need the api, JUnit or AssertJ to run.
    command.add(classes.toString());
    command.add(FakeOpenAiServer.class.getName());
    command.addAll(List.of(options));
    // To a file: destroy() closes the pipes, and the hints are read after the process stopped.
    Path stderr = errors.resolve("stderr-" + processes.size() + ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
            .start();
    processes.add(process);
    stderrs.put(process, stderr);
    return process;
  }

  private static String firstLine(Process process) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private HttpResponse<String> post(String url, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(WAIT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String stderr(Process process) throws IOException {
    return Files.readString(stderrs.get(process), StandardCharsets.UTF_8);
  }

  @Test
  void printsTheBaseUrlFirstServesAndStopsOnSigterm() throws Exception {
    Process process = start("--port=0", "--api-key=sk-cli");

    String baseUrl = firstLine(process);
    assertThat(baseUrl).matches("http://127\\.0\\.0\\.1:\\d+/v1");
    HttpResponse<String> answer =
        post(baseUrl + "/chat/completions", HELLO, "Authorization", "Bearer sk-cli");
    HttpResponse<String> wrongKey =
        post(baseUrl + "/chat/completions", HELLO, "Authorization", "Bearer sk-other");
    process.destroy();

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"content\":\"Echo: hi\"");
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(stderr(process)).contains("Fake OpenAI server listening on " + baseUrl);
    assertThatThrownBy(() -> post(baseUrl + "/chat/completions", HELLO))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void stopsWhenStandardInputClosesIfAsked() throws Exception {
    Process process = start("--stop-on-stdin-close");
    String baseUrl = firstLine(process);
    assertThat(post(baseUrl + "/embeddings", "{\"model\":\"m\",\"input\":\"x\"}",
        "Authorization", "Bearer k").statusCode()).isEqualTo(200);

    process.getOutputStream().close();

    assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void keepsServingWhenStandardInputClosesByDefault() throws Exception {
    Process process = start();
    String baseUrl = firstLine(process);

    process.getOutputStream().close();

    assertThat(process.waitFor(500, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(post(baseUrl + "/chat/completions", HELLO, "Authorization", "Bearer k").statusCode())
        .isEqualTo(200);
  }

  @Test
  void servesAzureLayoutsInAzureMode() throws Exception {
    Process process = start("--azure-api-key=az-key", "--azure-deployment=chat=gpt-4o");
    String baseUrl = firstLine(process);
    String endpoint = baseUrl.substring(0, baseUrl.length() - "/v1".length());

    HttpResponse<String> answer =
        post(
            endpoint + "/openai/deployments/chat/chat/completions?api-version=2024-10-21",
            HELLO,
            "api-key",
            "az-key");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"model\":\"gpt-4o\"", "prompt_filter_results");
    assertThat(stderr(processAfterStop(process))).contains("AZURE_OPENAI_ENDPOINT=" + endpoint);
  }

  @Test
  void readsTheKeyFromTheHeaderNamedByApiKeyHeader() throws Exception {
    Process process = start("--api-key-header=X-Api-Key", "--api-key=sk-cli");
    String baseUrl = firstLine(process);

    HttpResponse<String> inHeader =
        post(baseUrl + "/chat/completions", HELLO, "X-Api-Key", "sk-cli");
    HttpResponse<String> wrongKey =
        post(baseUrl + "/chat/completions", HELLO, "X-Api-Key", "sk-other");
    HttpResponse<String> asBearer =
        post(baseUrl + "/chat/completions", HELLO, "Authorization", "Bearer sk-cli");

    assertThat(inHeader.statusCode()).isEqualTo(200);
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(asBearer.statusCode()).isEqualTo(401);
    assertThat(asBearer.body()).contains("X-Api-Key", "invalid_api_key");
    assertThat(stderr(processAfterStop(process)))
        .contains("The key goes in the X-Api-Key header, not in Authorization.");
  }

  private static Process processAfterStop(Process process) throws InterruptedException {
    process.destroy();
    process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    return process;
  }

  @Test
  void printsTheUsageForHelpAndFailsWithStatusTwoForABadOption() throws Exception {
    Process help = start("--help");
    Process bad = start("--verbose");

    assertThat(help.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .startsWith("Usage: FakeOpenAiServer")
        .contains("[--api-key-header=NAME]");
    assertThat(bad.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(bad.exitValue()).isEqualTo(2);
    assertThat(stderr(bad)).contains("Unexpected argument: --verbose", "Usage:");
  }

  @Test
  void failsWithStatusOneWhenThePortIsTaken() throws Exception {
    try (FakeOpenAiServer taken = FakeOpenAiServer.start()) {
      Process process = start(String.valueOf(taken.port()));

      assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(stderr(process)).contains("Port " + taken.port() + " on 127.0.0.1 is in use");
    }
  }

  @Test
  void parsesEveryOption() {
    CommandLine options =
        CommandLine.parse(
            new String[] {
              "--port=0", "--api-key=k", "--api-key-header=X-Api-Key", "--stream-chunk-length=3",
              "--azure-bearer-token=t", "--azure-deployment=d=gpt-4o", "--stop-on-stdin-close"
            });

    assertThat(options.stopOnStdinClose()).isTrue();
    assertThat(options.help()).isFalse();
    try (FakeOpenAiServer server = options.builder().start()) {
      assertThat(server.isAzure()).isTrue();
      assertThat(server.keyCheck().header()).isEqualTo("X-Api-Key");
      assertThat(server.keyCheck().key()).isEqualTo("k");
    }
  }

  @Test
  void rejectsAPortGivenTwiceADeploymentWithoutModelAndANonNumber() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"0", "--port=1"}))
        .hasMessageContaining("port is given twice");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--azure-deployment=chat"}))
        .hasMessageContaining("NAME=MODEL");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--stream-chunk-length=many"}))
        .hasMessageContaining("Not a number: --stream-chunk-length=many");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port=70000"}))
        .hasMessageContaining("0..65535");
  }

  @Test
  void rejectsAnApiKeyHeaderThatIsNoHeaderNameNamingTheOptionAndTheFix() {
    String fix = "--api-key-header needs a header name, such as --api-key-header=X-Api-Key";
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--api-key-header"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(fix + ": --api-key-header");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--api-key-header="}))
        .hasMessageStartingWith(fix)
        .hasMessageEndingWith(": --api-key-header=");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--api-key-header=X Api Key"}))
        .hasMessageStartingWith(fix)
        .hasMessageContaining("no spaces or colon")
        .hasMessageEndingWith(": --api-key-header=X Api Key");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"--api-key-header=X-Api-Key:"}))
        .hasMessageStartingWith(fix);
  }

  @Test
  void keyHeaderOrderDoesNotMatterWithApiKey() {
    CommandLine keyFirst =
        CommandLine.parse(new String[] {"--api-key=k", "--api-key-header=X-Api-Key"});
    CommandLine headerFirst =
        CommandLine.parse(new String[] {"--api-key-header=X-Api-Key", "--api-key=k"});

    try (FakeOpenAiServer first = keyFirst.builder().start();
        FakeOpenAiServer second = headerFirst.builder().start()) {
      assertThat(first.keyCheck()).isEqualTo(second.keyCheck());
      assertThat(first.keyCheck().prefix()).isEmpty();
    }
  }
}
