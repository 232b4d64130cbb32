package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.testkit.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Azure mode's answers and the test requests are valid per the Azure OpenAI description
 * (2024-10-21). Where Azure itself departs from its description, the test names the departure and
 * checks everything else.
 */
class FakeOpenAiServerAzureConformanceTest {
  private static final String KEY = "azure-key";
  private static final String VERSION = "?api-version=2024-10-21";
  private static final String CHAT = "/openai/deployments/chat/chat/completions" + VERSION;
  private static final String EMBEDDINGS = "/openai/deployments/embed/embeddings" + VERSION;
  private static final String IMAGES = "/openai/deployments/draw/images/generations" + VERSION;
  private static final String USER = "\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]";
  private static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"parameters\":{\"type\":\"object\",\"properties\":{"
          + "\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}},"
          + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}]";

  // Read first, so that a missing spec skips a test before it starts anything.
  private final OpenApiSpec spec = OpenApiSpec.azure();
  private final FakeOpenAiServer server =
      FakeOpenAiServer.builder()
          .azureApiKey(KEY)
          .azureDeployment("chat", "gpt-4o-2024-08-06")
          .azureDeployment("embed", "text-embedding-3-small")
          .azureDeployment("draw", "dall-e-3")
          .start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends a request whose body is first checked against the description's request schema. */
  private HttpResponse<String> post(String path, String requestSchema, String body) {
    if (path.contains("/embeddings")) {
      assertValidInline("/deployments/{deployment-id}/embeddings", true, body);
    } else if (body.contains("\"json_schema\":{")) {
      assertValidStructuredOutputRequest(body);
    } else {
      spec.assertValid(requestSchema, body);
    }
    HttpResponse<String> response = client.sendWithHeaders("POST", path, body, "api-key", KEY);
    assertQueryMatchesTheDescription(server.takeRequest());
    return response;
  }

  /**
   * The description's {@code ResponseFormatJsonSchema} requires a {@code type} inside {@code
   * json_schema} too, which neither Azure nor OpenAI documents or needs; the request is valid
   * apart from that.
   */
  private void assertValidStructuredOutputRequest(String body) {
    assertThat(spec.validate("createChatCompletionRequest", body))
        .anyMatch(violation -> violation.contains("json_schema: required property 'type'"));
    Map<String, @Nullable Object> request = copy(Json.parse(body));
    Map<String, @Nullable Object> format = copy(request.get("response_format"));
    Map<String, @Nullable Object> jsonSchema = copy(format.get("json_schema"));
    jsonSchema.put("type", "json_schema");
    format.put("json_schema", jsonSchema);
    request.put("response_format", format);
    spec.assertValid("createChatCompletionRequest", Json.write(request));
  }

  static Stream<Arguments> chatRequests() {
    return Stream.of(
        Arguments.of("plain", "{" + USER + "}"),
        Arguments.of("n choices", "{\"n\":2," + USER + "}"),
        Arguments.of("json mode", "{\"response_format\":{\"type\":\"json_object\"}," + USER + "}"),
        Arguments.of(
            "structured output",
            "{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"answer\":"
                + "{\"type\":\"string\"}},\"required\":[\"answer\"],"
                + "\"additionalProperties\":false}}},"
                + USER
                + "}"),
        Arguments.of("tool calls", "{" + TOOLS + "," + USER + "}"),
        Arguments.of(
            "tool results",
            "{"
                + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"time?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"noon\"}]}"),
        Arguments.of(
            "image input",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}}"
                + "]}]}"),
        Arguments.of("cut at the token limit", "{\"max_tokens\":1," + USER + "}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chatRequests")
  void chatAnswersAreValidCompletions(String name, String request) {
    HttpResponse<String> response = post(CHAT, "createChatCompletionRequest", request);

    assertThat(response.statusCode()).isEqualTo(200);
    spec.assertValid("createChatCompletionResponse", response.body());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chatRequests")
  void everyStreamedChunkAfterAzuresFirstIsAValidChunk(String name, String request) {
    String streamed =
        "{\"stream\":true,\"stream_options\":{\"include_usage\":true}," + request.substring(1);

    List<String> events = TestClient.events(post(CHAT, "createChatCompletionRequest", streamed).body());

    assertThat(events).hasSizeGreaterThan(3).last().isEqualTo("[DONE]");
    assertFirstChunkDepartsOnlyInObject(events.get(0));
    for (String chunk : events.subList(1, events.size() - 1)) {
      spec.assertValid("createChatCompletionStreamResponse", chunk);
    }
  }

  /**
   * Azure's first chunk has {@code "object":""}, which the description's enum does not allow;
   * everything else in it is valid, its {@code prompt_filter_results} included.
   */
  private void assertFirstChunkDepartsOnlyInObject(String first) {
    assertThat(spec.validate("createChatCompletionStreamResponse", first))
        .singleElement()
        .asString()
        .contains("$.object");
    Map<String, @Nullable Object> chunk = copy(Json.parse(first));
    chunk.put("object", "chat.completion.chunk");
    spec.assertValid("createChatCompletionStreamResponse", Json.write(chunk));
    spec.assertValid("promptFilterResults", Json.write(chunk.get("prompt_filter_results")));
  }

  @Test
  void embeddingAnswersAreValid() {
    HttpResponse<String> response =
        post(EMBEDDINGS, "", "{\"input\":[\"first\",\"second\"],\"dimensions\":8}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertValidInline("/deployments/{deployment-id}/embeddings", false, response.body());
  }

  @Test
  void base64EmbeddingsAreOutsideTheDescriptionWhichKnowsOnlyFloatArrays() {
    HttpResponse<String> response =
        post(EMBEDDINGS, "", "{\"input\":\"first\",\"encoding_format\":\"base64\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(inlineViolations("/deployments/{deployment-id}/embeddings", false, response.body()))
        .isNotEmpty()
        .allMatch(violation -> violation.contains("embedding"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imageFormats")
  void imageAnswersAreValid(String format) {
    HttpResponse<String> response =
        post(
            IMAGES,
            "imageGenerationsRequest",
            "{\"prompt\":\"a cat\",\"n\":1,\"size\":\"1024x1024\",\"response_format\":\""
                + format
                + "\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    spec.assertValid("generateImagesResponse", response.body());
  }

  static Stream<String> imageFormats() {
    return Stream.of("url", "b64_json");
  }

  @Test
  void azuresOwnErrorsAreValidErrorResponses() {
    List<HttpResponse<String>> errors = new ArrayList<>();
    errors.add(client.sendWithHeaders("POST", CHAT, "{" + USER + "}"));
    errors.add(client.sendWithHeaders("POST", CHAT, "{" + USER + "}", "api-key", "wrong"));
    errors.add(
        client.sendWithHeaders(
            "POST", CHAT, "{" + USER + "}", "Authorization", "Bearer not-configured"));
    errors.add(
        client.sendWithHeaders(
            "POST",
            "/openai/deployments/nope/chat/completions" + VERSION,
            "{" + USER + "}",
            "api-key",
            KEY));
    errors.add(
        client.sendWithHeaders(
            "POST", "/openai/deployments/chat/chat/completions", "{" + USER + "}", "api-key", KEY));
    errors.add(
        client.sendWithHeaders(
            "POST",
            "/openai/deployments/chat/chat/completions?api-version=1999-01-01",
            "{" + USER + "}",
            "api-key",
            KEY));
    errors.add(client.sendWithHeaders("GET", CHAT, "", "api-key", KEY));
    errors.add(client.sendWithHeaders("POST", CHAT, "{}", "api-key", KEY));
    server.enqueue(FakeResponse.azureRateLimited(Duration.ofSeconds(3)));
    errors.add(client.sendWithHeaders("POST", CHAT, "{" + USER + "}", "api-key", KEY));

    assertThat(errors)
        .extracting(HttpResponse::statusCode)
        .containsExactly(401, 401, 401, 404, 404, 400, 405, 400, 429);
    for (HttpResponse<String> error : errors) {
      spec.assertValid("errorResponse", error.body());
    }
  }

  /**
   * Azure writes {@code "type":null}, {@code innererror} and {@code content_filter_result}; the
   * description wants a string type, {@code inner_error} and {@code content_filter_results}. Read
   * with the description's names, the body is valid, and so are its filter results as sent.
   */
  @Test
  void contentFilterErrorIsValidOnceReadWithTheDescriptionsNames() {
    server.enqueue(FakeResponse.azureContentFilterError("self_harm", "medium"));

    HttpResponse<String> response = post(CHAT, "createChatCompletionRequest", "{" + USER + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(spec.validate("errorResponse", response.body()))
        .singleElement()
        .asString()
        .contains("$.error.type");
    Map<String, @Nullable Object> error = copy(copy(Json.parse(response.body())).get("error"));
    Map<String, @Nullable Object> inner = copy(error.remove("innererror"));
    error.remove("type");
    inner.put("content_filter_results", inner.remove("content_filter_result"));
    error.put("inner_error", inner);
    spec.assertValid("errorResponse", Json.write(Map.of("error", error)));
    spec.assertValid("contentFilterPromptResults", Json.write(inner.get("content_filter_results")));
  }

  @Test
  void contentFilteredCompletionIsAValidCompletion() {
    server.enqueue(FakeResponse.azureContentFilteredCompletion("sexual", "high"));

    HttpResponse<String> response = post(CHAT, "createChatCompletionRequest", "{" + USER + "}");

    spec.assertValid("createChatCompletionResponse", response.body());
  }

  @Test
  void contentFilteredStreamHasValidChunks() {
    server.enqueue(FakeResponse.azureContentFilteredStream("Once upon a time", "violence", "high"));

    List<String> events =
        TestClient.events(
            post(CHAT, "createChatCompletionRequest", "{\"stream\":true," + USER + "}").body());

    assertFirstChunkDepartsOnlyInObject(events.get(0));
    for (String chunk : events.subList(1, events.size() - 1)) {
      spec.assertValid("createChatCompletionStreamResponse", chunk);
      for (Object choice : (List<?>) copy(Json.parse(chunk)).get("choices")) {
        Object results = ((Map<?, ?>) choice).get("content_filter_results");
        spec.assertValid("contentFilterChoiceResults", Json.write(results));
      }
    }
  }

  /**
   * The recorded request targets one of the description's paths under {@code {endpoint}/openai}
   * and carries every query parameter it requires, as a string.
   */
  private static void assertQueryMatchesTheDescription(RecordedRequest request) {
    String path = request.path().substring("/openai".length(), request.path().indexOf('?'));
    String template = path.replaceFirst("^/deployments/[^/]+/", "/deployments/{deployment-id}/");
    Map<?, ?> operation = (Map<?, ?>) ((Map<?, ?>) paths().get(template)).get("post");
    assertThat(operation).as("operation for %s", template).isNotNull();
    for (Object item : (List<?>) operation.get("parameters")) {
      Map<?, ?> parameter = (Map<?, ?>) item;
      if ("query".equals(parameter.get("in")) && Boolean.TRUE.equals(parameter.get("required"))) {
        assertThat(request.queryParameter((String) parameter.get("name")))
            .as("required query parameter %s", parameter.get("name"))
            .isPresent();
      }
    }
  }

  // The embeddings operation describes its bodies inline, not in components.schemas, which is all
  // OpenApiSpec validates; they use no $ref, so a plain 2020-12 validator reads them once
  // "nullable" is gone. Dropping it only makes them stricter: no request here sends a null.
  private static final SchemaRegistry VALIDATORS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private static @Nullable Map<?, ?> paths;

  private static synchronized Map<?, ?> paths() {
    if (paths == null) {
      try {
        String text = Files.readString(OpenApiSpec.azure().source());
        paths = (Map<?, ?>) ((Map<?, ?>) Json.parse(text)).get("paths");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return paths;
  }

  private static List<String> inlineViolations(String path, boolean request, String json) {
    Map<?, ?> operation = (Map<?, ?>) ((Map<?, ?>) paths().get(path)).get("post");
    Map<?, ?> content =
        request
            ? (Map<?, ?>) ((Map<?, ?>) operation.get("requestBody")).get("content")
            : (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) operation.get("responses")).get("200")).get("content");
    Object schema = ((Map<?, ?>) content.get("application/json")).get("schema");
    List<String> violations = new ArrayList<>();
    VALIDATORS
        .getSchema(Json.write(withoutNullable(schema)), InputFormat.JSON)
        .validate(json, InputFormat.JSON)
        .forEach(error -> violations.add(error.toString()));
    return violations;
  }

  private static void assertValidInline(String path, boolean request, String json) {
    assertThat(inlineViolations(path, request, json))
        .as("violations of %s against the %s schema of %s", json, request ? "request" : "response", path)
        .isEmpty();
  }

  private static @Nullable Object withoutNullable(@Nullable Object node) {
    if (node instanceof Map) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) node)
          .forEach(
              (key, value) -> {
                if (!"nullable".equals(key)) {
                  copy.put((String) key, withoutNullable(value));
                }
              });
      return copy;
    }
    if (node instanceof List) {
      List<@Nullable Object> copy = new ArrayList<>();
      ((List<?>) node).forEach(value -> copy.add(withoutNullable(value)));
      return copy;
    }
    return node;
  }

  private static Map<String, @Nullable Object> copy(@Nullable Object map) {
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    ((Map<?, ?>) Objects.requireNonNull(map)).forEach((key, value) -> copy.put((String) key, value));
    return copy;
  }
}
