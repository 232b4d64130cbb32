package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.chatRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.conformance.OpenApiSpec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of body the fake server sends is valid per the official OpenAI description. */
class FakeOpenAiServerConformanceTest {
  private static final String TOOLS =
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"strict\":true,\"parameters\":{\"type\":\"object\",\"properties\":{"
          + "\"city\":{\"type\":\"string\"},\"unit\":{\"type\":[\"string\",\"null\"],"
          + "\"enum\":[\"c\",\"f\",null]}},\"required\":[\"city\",\"unit\"],"
          + "\"additionalProperties\":false}}},"
          + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}]";

  // Read first, so that a missing spec skips a test before it scripts anything.
  private final OpenApiSpec spec = OpenApiSpec.openAi();
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  static Stream<Arguments> chatRequests() {
    return Stream.of(
        Arguments.of(
            "tool calls",
            "{\"model\":\"m\","
                + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        Arguments.of(
            "tool results",
            "{\"model\":\"m\","
                + TOOLS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\","
                + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"noon\"}]}"),
        Arguments.of(
            "structured output",
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{"
                + "\"name\":\"answer\",\"strict\":true,\"schema\":{\"type\":\"object\","
                + "\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"],"
                + "\"additionalProperties\":false}}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        Arguments.of("plain", chatRequest("gpt-4o-mini", "hello")),
        Arguments.of(
            "json mode",
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        Arguments.of(
            "n choices",
            "{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        Arguments.of(
            "images",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}}"
                + "]}]}"),
        Arguments.of(
            "cut at the token limit",
            "{\"model\":\"m\",\"max_completion_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a long question\"}]}"),
        Arguments.of(
            "no user message",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"rules\"}]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chatRequests")
  void defaultChatCompletionIsAValidResponse(String name, String request) {
    spec.assertValid("CreateChatCompletionRequest", request);

    HttpResponse<String> response = client.chat(request);

    assertThat(response.statusCode()).isEqualTo(200);
    spec.assertValid("CreateChatCompletionResponse", response.body());
  }

  @Test
  void scriptedChatCompletionIsAValidResponse() {
    server.enqueue(FakeResponse.chatCompletion("Scripted \"answer\"\nwith lines"));
    server.enqueue(FakeResponse.chatCompletion(""));

    spec.assertValid("CreateChatCompletionResponse", client.chat(chatRequest("m", "x")).body());
    spec.assertValid("CreateChatCompletionResponse", client.send("GET", "/", "", null).body());
  }

  @ParameterizedTest(name = "include_usage={0}")
  @MethodSource("streamOptions")
  void everyStreamedChunkIsAValidChunk(boolean includeUsage) {
    String request =
        "{\"model\":\"m\",\"stream\":true,\"n\":2,\"stream_options\":{\"include_usage\":"
            + includeUsage
            + "},\"messages\":[{\"role\":\"user\",\"content\":\"stream me please\"}]}";

    List<String> events = TestClient.events(client.chat(request).body());

    assertThat(events).hasSizeGreaterThan(4).last().isEqualTo("[DONE]");
    for (String chunk : events.subList(0, events.size() - 1)) {
      spec.assertValid("CreateChatCompletionStreamResponse", chunk);
    }
  }

  @Test
  void everyStreamedToolCallChunkIsAValidChunk() {
    String request =
        "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + TOOLS
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather and time\"}]}";
    spec.assertValid("CreateChatCompletionRequest", request);

    List<String> events = TestClient.events(client.chat(request).body());

    assertThat(events).hasSizeGreaterThan(6).last().isEqualTo("[DONE]");
    for (String chunk : events.subList(0, events.size() - 1)) {
      spec.assertValid("CreateChatCompletionStreamResponse", chunk);
    }
  }

  @ParameterizedTest(name = "chunkLength={0}")
  @MethodSource("chunkLengths")
  void everyScriptedStreamedChunkIsAValidChunk(int chunkLength) {
    server.enqueue(FakeResponse.streamedChatCompletion("Scripted \"stream\"\nwith lines", chunkLength));
    server.enqueue(FakeResponse.streamedChatCompletion("", chunkLength).withoutDone());

    List<String> events = TestClient.events(client.chat(chatRequest("m", "x")).body());
    List<String> empty = TestClient.events(client.send("GET", "/", "", null).body());

    assertThat(events).last().isEqualTo("[DONE]");
    for (String chunk : events.subList(0, events.size() - 1)) {
      spec.assertValid("CreateChatCompletionStreamResponse", chunk);
    }
    assertThat(empty).hasSize(3);
    for (String chunk : empty) {
      spec.assertValid("CreateChatCompletionStreamResponse", chunk);
    }
  }

  static Stream<Integer> chunkLengths() {
    return Stream.of(1, 7, 1000);
  }

  static Stream<Boolean> streamOptions() {
    return Stream.of(true, false);
  }

  @Test
  void modelListIsValid() {
    spec.assertValid("ListModelsResponse", client.get("/v1/models", "sk-test").body());
  }

  @Test
  void retrievedModelIsValid() {
    HttpResponse<String> response = client.get("/v1/models/gpt-4o-mini", "sk-test");

    assertThat(response.statusCode()).isEqualTo(200);
    spec.assertValid("Model", response.body());
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("no key", "POST", "/v1/chat/completions", chatRequest("m", "x"), null),
        Arguments.of("not JSON", "POST", "/v1/chat/completions", "{", "sk"),
        Arguments.of("not an object", "POST", "/v1/chat/completions", "[]", "sk"),
        Arguments.of("no model", "POST", "/v1/chat/completions", "{\"messages\":[]}", "sk"),
        Arguments.of("no messages", "POST", "/v1/chat/completions", "{\"model\":\"m\"}", "sk"),
        Arguments.of(
            "empty messages",
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"m\",\"messages\":[]}",
            "sk"),
        Arguments.of(
            "bad role",
            "POST",
            "/v1/chat/completions",
            chatRequest("m", "x").replace("user", "wizard"),
            "sk"),
        Arguments.of(
            "bad n",
            "POST",
            "/v1/chat/completions",
            chatRequest("m", "x").replace("{\"model\"", "{\"n\":\"two\",\"model\""),
            "sk"),
        Arguments.of("unknown path", "GET", "/v1/unknown", "", "sk"),
        Arguments.of("unknown model", "GET", "/v1/models/gpt-unknown", "", "sk"),
        Arguments.of("wrong method", "DELETE", "/v1/chat/completions", "", "sk"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void defaultErrorIsAValidErrorResponse(
      String name, String method, String path, String body, String apiKey) {
    HttpResponse<String> response = client.send(method, path, body, apiKey);

    assertThat(response.statusCode()).isBetween(400, 499);
    spec.assertValid("ErrorResponse", response.body());
  }

  @Test
  void scriptedErrorsAreValidErrorResponses() {
    server.enqueue(FakeResponse.error(500, "server_error", null, "Boom"));
    server.enqueue(FakeResponse.rateLimited(Duration.ofMillis(1500)));

    HttpResponse<String> serverError = client.chat(chatRequest("m", "x"));
    HttpResponse<String> rateLimited = client.chat(chatRequest("m", "x"));

    spec.assertValid("ErrorResponse", serverError.body());
    spec.assertValid("ErrorResponse", rateLimited.body());
    assertThat(rateLimited.statusCode()).isEqualTo(429);
    assertThat(rateLimited.headers().firstValue("retry-after")).hasValue("2");
  }
}
