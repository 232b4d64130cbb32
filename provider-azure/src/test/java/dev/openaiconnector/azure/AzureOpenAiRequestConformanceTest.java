package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The query parameters and the embeddings and images bodies the provider sends, in both layouts,
 * are valid per the Azure OpenAI description (2024-10-21), as the testkit's fake server recorded
 * them.
 */
class AzureOpenAiRequestConformanceTest {
  private static final String EMBEDDINGS = "/deployments/{deployment-id}/embeddings";
  private static final String IMAGES = "/deployments/{deployment-id}/images/generations";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  // The embeddings operation describes its request inline, not in components.schemas (all that
  // OpenApiSpec validates); it uses no $ref, so a plain 2020-12 validator reads it once
  // "nullable" is gone, which only makes it stricter.
  private static final SchemaRegistry VALIDATORS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  // Read first, so that a missing description skips a test before it starts anything.
  private final OpenApiSpec spec = OpenApiSpec.azure();
  private final JsonNode paths = paths(spec);
  private FakeOpenAiServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Deadline deadline() {
    return Deadline.after(Duration.ofSeconds(30));
  }

  private void start() {
    server =
        FakeOpenAiServer.builder()
            .azureApiKey("azure-key")
            .azureDeployment("emb-dep", "text-embedding-3-small")
            .azureDeployment("draw-dep", "dall-e-3")
            .start();
  }

  private void sendEmbeddingsAndImages(URI endpoint) {
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(endpoint)
            .deployment(Operation.EMBEDDINGS, "text-embedding-3-small", "emb-dep")
            .deployment(Operation.IMAGES, "dall-e-3", "draw-dep")
            .apiKey("azure-key")
            .build()) {
      provider
          .embeddings()
          .orElseThrow()
          .embed(
              EmbeddingRequest.builder()
                  .model("text-embedding-3-small")
                  .inputs(List.of("first", "second"))
                  .dimensions(8)
                  .endUserId("user-1")
                  .build(),
              deadline());
      provider
          .images()
          .orElseThrow()
          .generate(
              ImageRequest.builder()
                  .model("dall-e-3")
                  .prompt("a cat")
                  .n(1)
                  .size("1024x1024")
                  .responseFormat(ImageRequest.Format.B64_JSON)
                  .build(),
              deadline());
    }
  }

  @Test
  void deploymentsLayoutQueryAndBodiesAreValid() {
    start();
    sendEmbeddingsAndImages(server.azureEndpoint());

    RecordedRequest embeddings = server.takeRequest();
    assertThat(embeddings.path()).startsWith("/openai/deployments/emb-dep/embeddings?");
    assertQueryMatches(EMBEDDINGS, embeddings);
    assertThat(embeddings.queryParameter("api-version")).hasValue("2024-10-21");
    assertInlineRequestValid(EMBEDDINGS, embeddings.body());
    assertThat(embeddings.body()).doesNotContain("\"model\"");

    RecordedRequest images = server.takeRequest();
    assertThat(images.path()).startsWith("/openai/deployments/draw-dep/images/generations?");
    assertQueryMatches(IMAGES, images);
    spec.assertValid("imageGenerationsRequest", images.body());
    assertThat(images.body()).doesNotContain("\"model\"");
  }

  @Test
  void v1LayoutSendsNoQueryAndValidBodies() {
    start();
    sendEmbeddingsAndImages(server.azureV1BaseUrl());

    RecordedRequest embeddings = server.takeRequest();
    assertThat(embeddings.path()).isEqualTo("/openai/v1/embeddings");
    assertThat(embeddings.queryParameter("api-version")).isEmpty();
    assertInlineRequestValid(EMBEDDINGS, embeddings.body());
    assertThat(embeddings.body()).contains("\"model\":\"emb-dep\"");

    RecordedRequest images = server.takeRequest();
    assertThat(images.path()).isEqualTo("/openai/v1/images/generations");
    assertThat(images.queryParameter("api-version")).isEmpty();
    spec.assertValid("imageGenerationsRequest", images.body());
    assertThat(images.body()).contains("\"model\":\"draw-dep\"");
  }

  @Test
  void flatMappingAndASingleInputAreValidToo() {
    start();
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .apiVersion("2024-10-21")
            .deployment("text-embedding-3-small", "emb-dep")
            .apiKey("azure-key")
            .build()) {
      provider
          .embeddings()
          .orElseThrow()
          .embed(
              EmbeddingRequest.builder().model("text-embedding-3-small").input("one").build(),
              deadline());
    }
    RecordedRequest embeddings = server.takeRequest();
    assertQueryMatches(EMBEDDINGS, embeddings);
    assertInlineRequestValid(EMBEDDINGS, embeddings.body());
  }

  /**
   * Every query parameter the description requires is present and valid per its schema, and no
   * other is sent.
   */
  private void assertQueryMatches(String template, RecordedRequest request) {
    JsonNode operation = paths.path(template).path("post");
    assertThat(operation.isMissingNode()).as("operation %s", template).isFalse();
    Set<String> declared = new TreeSet<>();
    for (JsonNode parameter : operation.path("parameters")) {
      if (!"query".equals(parameter.path("in").asString())) {
        continue;
      }
      String name = parameter.path("name").asString();
      declared.add(name);
      var value = request.queryParameter(name);
      if (parameter.path("required").asBoolean(false)) {
        assertThat(value).as("required query parameter %s", name).isPresent();
      }
      if (value.isPresent()) {
        assertThat(violations(parameter.path("schema"), JSON.writeValueAsString(value.get())))
            .as("query parameter %s=%s", name, value.get())
            .isEmpty();
      }
    }
    String path = request.path();
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
    Set<String> sent = new TreeSet<>();
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        sent.add(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
      }
    }
    assertThat(declared).containsAll(sent);
  }

  private void assertInlineRequestValid(String template, String body) {
    JsonNode schema =
        paths
            .path(template)
            .path("post")
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("schema");
    assertThat(schema.isMissingNode()).isFalse();
    assertThat(violations(schema, body))
        .as("violations of %s against the request schema of %s", body, template)
        .isEmpty();
  }

  private static List<String> violations(JsonNode schema, String json) {
    List<String> violations = new ArrayList<>();
    VALIDATORS
        .getSchema(JSON.writeValueAsString(withoutNullable(schema.deepCopy())), InputFormat.JSON)
        .validate(json, InputFormat.JSON)
        .forEach(error -> violations.add(error.toString()));
    return violations;
  }

  private static JsonNode withoutNullable(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("nullable");
      object.properties().forEach(entry -> withoutNullable(entry.getValue()));
    } else if (node.isArray()) {
      node.forEach(AzureOpenAiRequestConformanceTest::withoutNullable);
    }
    return node;
  }

  private static JsonNode paths(OpenApiSpec spec) {
    try {
      return JSON.readTree(Files.readString(spec.source())).path("paths");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
