package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.testkit.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeOpenAiServerTest {
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listensOnLoopbackOnAFreePort() {
    assertThat(server.port()).isPositive();
    assertThat(server.baseUrl()).hasToString("http://127.0.0.1:" + server.port() + "/v1");
  }

  @Test
  void answersChatCompletionByEchoingTheLastUserMessage() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":\"first\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    assertThat(body.get("id")).isEqualTo("chatcmpl-fake-1");
    assertThat(body.get("object")).isEqualTo("chat.completion");
    assertThat(body.get("model")).isEqualTo("gpt-4o");
    assertThat(path(body, "choices", 0, "message", "role")).isEqualTo("assistant");
    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("Echo: What is 2+2?");
    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("stop");
  }

  @Test
  void countsAboutFourCharactersATokenInUsage() {
    HttpResponse<String> response = client.chat(chatRequest("gpt-4o-mini", "12345678"));

    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    // "12345678" is 2 tokens; "Echo: 12345678" (14 characters) is 4.
    assertThat(path(body, "usage", "prompt_tokens")).isEqualTo(new BigDecimal(2));
    assertThat(path(body, "usage", "completion_tokens")).isEqualTo(new BigDecimal(4));
    assertThat(path(body, "usage", "total_tokens")).isEqualTo(new BigDecimal(6));
    assertThat(path(body, "usage", "prompt_tokens_details", "cached_tokens"))
        .isEqualTo(BigDecimal.ZERO);
    assertThat(path(body, "usage", "completion_tokens_details", "reasoning_tokens"))
        .isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void answersTheSameRequestTheSameWayApartFromTheSequenceNumber() {
    String first = client.chat(chatRequest("m", "same")).body();
    String second = client.chat(chatRequest("m", "same")).body();

    assertThat(second.replace("fake-2", "fake-1").replace("1735689602", "1735689601"))
        .isEqualTo(first);
  }

  @Test
  void countsImagesAndJoinsTextParts() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x.test/a.png\"}},"
                + "{\"type\":\"text\",\"text\":\"this?\"}]}]}");

    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    assertThat(path(body, "choices", 0, "message", "content"))
        .isEqualTo("Echo: what is this? [1 image]");
    // "what is this?" is 13 characters, so 4 tokens; the image adds 85.
    assertThat(path(body, "usage", "prompt_tokens")).isEqualTo(new BigDecimal(89));
  }

  @Test
  void answersAJsonObjectInJsonMode() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"say \\\"hi\\\"\"}]}");

    String content =
        (String) path((Map<?, ?>) Json.parse(response.body()), "choices", 0, "message", "content");
    assertThat(Json.parse(content)).isEqualTo(Map.of("echo", "say \"hi\""));
  }

  @Test
  void answersNChoices() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"m\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hey\"}]}");

    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    assertThat((List<?>) body.get("choices")).hasSize(3);
    assertThat(path(body, "choices", 2, "index")).isEqualTo(new BigDecimal(2));
    assertThat(path(body, "choices", 2, "message", "content")).isEqualTo("Echo: hey");
    assertThat(path(body, "usage", "completion_tokens")).isEqualTo(new BigDecimal(9));
  }

  @Test
  void cutsTheReplyAtTheTokenLimitWithFinishReasonLength() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"m\",\"max_completion_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a long question\"}]}");

    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("Echo: a ");
    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("length");
    assertThat(path(body, "usage", "completion_tokens")).isEqualTo(new BigDecimal(2));
  }

  @Test
  void honoursTheDeprecatedMaxTokensToo() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"m\",\"max_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"question\"}]}");

    assertThat(path((Map<?, ?>) Json.parse(response.body()), "choices", 0, "finish_reason"))
        .isEqualTo("length");
  }

  @Test
  void streamsServerSentEventsWhenAsked() {
    HttpResponse<String> response =
        client.chat(
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
    List<String> events = TestClient.events(response.body());
    assertThat(events).last().isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    for (String event : events.subList(0, events.size() - 2)) {
      Object content = path((Map<?, ?>) Json.parse(event), "choices", 0, "delta", "content");
      text.append(content == null ? "" : content);
    }
    assertThat(text).hasToString("Echo: one two");
    Map<?, ?> usageChunk = (Map<?, ?>) Json.parse(events.get(events.size() - 2));
    assertThat((List<?>) usageChunk.get("choices")).isEmpty();
    assertThat(path(usageChunk, "usage", "completion_tokens")).isEqualTo(new BigDecimal(4));
  }

  @Test
  void setsASequentialRequestIdOnEveryResponse() {
    assertThat(client.chat(chatRequest("m", "a")).headers().firstValue("x-request-id"))
        .hasValue("req_fake_1");
    assertThat(client.get("/v1/nowhere", "sk-test").headers().firstValue("x-request-id"))
        .hasValue("req_fake_2");
  }

  @Test
  void rejectsAMissingApiKey() {
    HttpResponse<String> response =
        client.send("POST", "/v1/chat/completions", chatRequest("m", "hi"), null);

    assertThat(response.statusCode()).isEqualTo(401);
    Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Json.parse(response.body())).get("error");
    assertThat(error.get("type")).isEqualTo("invalid_request_error");
    assertThat(error.get("code")).isEqualTo("invalid_api_key");
    assertThat((String) error.get("message")).startsWith("You didn't provide an API key.");
  }

  @Test
  void rejectsABlankBearerToken() {
    HttpResponse<String> response =
        client.send("POST", "/v1/chat/completions", chatRequest("m", "hi"), " ");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void rejectsAnotherKeyThanTheRequiredOneWithoutEchoingIt() {
    try (FakeOpenAiServer strict = FakeOpenAiServer.builder().apiKey("sk-right").start()) {
      TestClient strictClient = new TestClient(strict);

      HttpResponse<String> wrong =
          strictClient.send("POST", "/v1/chat/completions", chatRequest("m", "hi"), "sk-wrong");
      HttpResponse<String> right =
          strictClient.send("POST", "/v1/chat/completions", chatRequest("m", "hi"), "sk-right");

      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("invalid_api_key").doesNotContain("sk-wrong");
      assertThat(right.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void rejectsABodyThatIsNotJson() {
    HttpResponse<String> response = client.chat("{\"model\":");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"type\":\"invalid_request_error\"", "not valid JSON");
  }

  @Test
  void rejectsARequestWithoutModelNamingTheParameter() {
    HttpResponse<String> response =
        client.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Json.parse(response.body())).get("error");
    assertThat(error.get("param")).isEqualTo("model");
    assertThat(error.get("code")).isEqualTo("missing_required_parameter");
  }

  @Test
  void rejectsARequestWithoutMessagesNamingTheParameter() {
    HttpResponse<String> response = client.chat("{\"model\":\"m\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("\"param\":\"messages\"");
  }

  @Test
  void rejectsAnUnknownRoleAndAnOutOfRangeN() {
    HttpResponse<String> role = client.chat(chatRequest("m", "hi").replace("user", "wizard"));
    HttpResponse<String> n =
        client.chat(chatRequest("m", "hi").replace("{\"model\"", "{\"n\":0,\"model\""));

    assertThat(role.statusCode()).isEqualTo(400);
    assertThat(role.body()).contains("\"param\":\"messages[0].role\"", "invalid_value");
    assertThat(n.statusCode()).isEqualTo(400);
    assertThat(n.body()).contains("\"param\":\"n\"", "integer_below_min_value");
  }

  @Test
  void answersAnUnknownPathWith404() {
    HttpResponse<String> response = client.get("/v1/nowhere?x=1", "sk-test");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Invalid URL (GET /v1/nowhere)");
  }

  @Test
  void answersAWrongMethodWith405() {
    HttpResponse<String> response = client.get("/v1/chat/completions", "sk-test");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
    assertThat(response.body()).contains("invalid_request_error");
  }

  @Test
  void listsModels() {
    HttpResponse<String> response = client.get("/v1/models", "sk-test");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"object\":\"list\"", "\"id\":\"gpt-4o-mini\"");
  }

  @Test
  void retrievesAListedModelAsTheListShowsIt() {
    HttpResponse<String> response = client.get("/v1/models/gpt-4o", "sk-test");
    Map<?, ?> list = (Map<?, ?>) Json.parse(client.get("/v1/models", "sk-test").body());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body())
        .isEqualTo(
            "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1735689600,"
                + "\"owned_by\":\"system\"}");
    List<Object> listed = new ArrayList<>((List<?>) list.get("data"));
    assertThat(listed).contains(Json.parse(response.body()));
  }

  @Test
  void answersAnUnknownModelWithOpenAisModelNotFound() {
    HttpResponse<String> response = client.get("/v1/models/gpt-unknown", "sk-test");

    assertThat(response.statusCode()).isEqualTo(404);
    Map<?, ?> body = (Map<?, ?>) Json.parse(response.body());
    assertThat(path(body, "error", "message")).isEqualTo("The model 'gpt-unknown' does not exist");
    assertThat(path(body, "error", "type")).isEqualTo("invalid_request_error");
    assertThat(path(body, "error", "param")).isEqualTo("model");
    assertThat(path(body, "error", "code")).isEqualTo("model_not_found");
  }

  @Test
  void decodesTheEscapesOfARetrievedModelsId() {
    HttpResponse<String> escaped = client.get("/v1/models/gpt%2D4o%2Dmini", "sk-test");
    HttpResponse<String> fineTuned =
        client.get("/v1/models/ft%3Agpt-4o-mini%3Aacme%3A%3Aabc+123", "sk-test");

    assertThat(escaped.statusCode()).isEqualTo(200);
    assertThat(escaped.body()).contains("\"id\":\"gpt-4o-mini\"");
    assertThat(fineTuned.statusCode()).isEqualTo(404);
    assertThat(fineTuned.body())
        .contains("The model 'ft:gpt-4o-mini:acme::abc+123' does not exist");
  }

  @Test
  void retrievingAModelNeedsTheKeyAndAGet() {
    HttpResponse<String> noKey = client.get("/v1/models/gpt-4o", null);
    HttpResponse<String> delete = client.send("DELETE", "/v1/models/gpt-4o", "", "sk-test");
    HttpResponse<String> noId = client.get("/v1/models/", "sk-test");

    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.body()).contains("invalid_api_key");
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(delete.headers().firstValue("allow")).hasValue("GET");
    assertThat(noId.statusCode()).isEqualTo(404);
    assertThat(noId.body()).contains("Invalid URL (GET /v1/models/)");
  }

  @Test
  void retrievesModelsInAzureModeToo() {
    try (FakeOpenAiServer azure = FakeOpenAiServer.builder().azure().start()) {
      TestClient azureClient = new TestClient(azure);

      assertThat(azureClient.get("/v1/models/gpt-4o-mini", "sk-test").statusCode()).isEqualTo(200);
      assertThat(azureClient.get("/v1/models/chat", "sk-test").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void scriptedResponsesWinInOrderForAnyPathEvenWithoutKey() {
    server
        .enqueue(FakeResponse.json(201, "{\"first\":true}"))
        .enqueue(FakeResponse.body(502, "text/html", "<html>Bad gateway</html>"));

    HttpResponse<String> first = client.send("GET", "/anything", "", null);
    HttpResponse<String> second = client.chat(chatRequest("m", "hi"));
    HttpResponse<String> third = client.chat(chatRequest("m", "hi"));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.body()).isEqualTo("{\"first\":true}");
    assertThat(second.statusCode()).isEqualTo(502);
    assertThat(second.headers().firstValue("content-type")).hasValue("text/html");
    assertThat(second.body()).isEqualTo("<html>Bad gateway</html>");
    assertThat(third.statusCode()).isEqualTo(200);
  }

  @Test
  void sendsAScriptedErrorWithItsHeaders() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
            .header("retry-after", "2")
            .header("x-request-id", "req_custom"));

    HttpResponse<String> response = client.chat(chatRequest("m", "hi"));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("retry-after")).hasValue("2");
    assertThat(response.headers().allValues("x-request-id")).containsExactly("req_custom");
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"param\":null,"
                + "\"code\":\"rate_limit_exceeded\"}}");
  }

  @Test
  void sendsAContentLengthMatchingTheBody() {
    server.enqueue(FakeResponse.json(200, "{\"text\":\"héllo 😀\"}"));

    HttpResponse<String> response = client.chat(chatRequest("m", "hi"));

    assertThat(response.headers().firstValueAsLong("content-length"))
        .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void sendsNoBodyForAnEmptyScriptedBody() {
    server.enqueue(FakeResponse.body(204, "text/plain", ""));

    HttpResponse<String> response = client.chat(chatRequest("m", "hi"));

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void answers500WhenABodyCannotBeRendered() {
    server.enqueue(
        FakeResponse.of(
            200,
            FakeResponse.JSON,
            (request, n) -> {
              throw new IllegalStateException("boom");
            }));

    HttpResponse<String> response = client.chat(chatRequest("m", "hi"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("server_error", "boom");
  }

  @Test
  void scriptedChatCompletionUsesTheRequestsModel() {
    server.enqueue(FakeResponse.chatCompletion("Paris"));

    Map<?, ?> body = (Map<?, ?>) Json.parse(client.chat(chatRequest("gpt-4o", "Capital?")).body());

    assertThat(body.get("model")).isEqualTo("gpt-4o");
    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("Paris");
    assertThat(path(body, "usage", "completion_tokens")).isEqualTo(new BigDecimal(2));
  }

  @Test
  void delaysAScriptedResponseBeyondTheClientsTimeout() {
    server.enqueue(FakeResponse.chatCompletion("late").delay(Duration.ofSeconds(30)));

    assertThatThrownBy(() -> client.chatWithTimeout(chatRequest("m", "hi"), Duration.ofMillis(200)))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(server.takeRequest().path()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void recordsEveryRequestBeforeAnsweringIt() {
    client.send("POST", "/v1/chat/completions?trace=1", chatRequest("m", "hi"), "sk-test");
    client.get("/v1/models", "sk-test");

    RecordedRequest first = server.takeRequest();
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.path()).isEqualTo("/v1/chat/completions?trace=1");
    assertThat(first.body()).isEqualTo(chatRequest("m", "hi"));
    assertThat(first.header("authorization")).hasValue("Bearer sk-test");
    assertThat(first.headers().get("CONTENT-TYPE")).containsExactly("application/json");
    assertThat(server.takeRequest().path()).isEqualTo("/v1/models");
    assertThat(server.requests())
        .extracting(RecordedRequest::method)
        .containsExactly("POST", "GET");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void takeRequestFailsWhenNothingArrives() {
    assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(10)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("No request reached " + server.baseUrl());
  }

  @Test
  void keepsTheConnectionAliveBetweenRequests() {
    client.chat(chatRequest("m", "one"));
    client.chat(chatRequest("m", "two"));
    client.get("/v1/models", "sk-test");

    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void closeFreesThePort() throws Exception {
    FakeOpenAiServer other = FakeOpenAiServer.start();
    new TestClient(other).chat(chatRequest("m", "hi"));
    int port = other.port();

    other.close();

    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
    try (FakeOpenAiServer again = FakeOpenAiServer.start(port)) {
      assertThat(new TestClient(again).chat(chatRequest("m", "hi")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void closeEndsAPendingDelayAndIsIdempotent() {
    FakeOpenAiServer other = FakeOpenAiServer.start();
    other.enqueue(FakeResponse.chatCompletion("never").delay(Duration.ofMinutes(5)));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var pending =
        http.sendAsync(
            TestClient.request(other, "POST", "/v1/chat/completions", "{}", "sk").build(),
            HttpResponse.BodyHandlers.ofString());
    other.takeRequest();

    other.close();
    other.close();

    assertThat(pending)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class);
  }

  @Test
  void refusesAPortInUse() {
    assertThatThrownBy(() -> FakeOpenAiServer.start(server.port()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void startsFromTheCommandLineAndPrintsTheBaseUrl() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FakeOpenAiServer cli =
        FakeOpenAiServer.startFromCommandLine(
            new String[] {"0", "--api-key=sk-cli"},
            new PrintStream(out, true, StandardCharsets.UTF_8))) {
      assertThat(out.toString(StandardCharsets.UTF_8)).contains(cli.baseUrl().toString());
      TestClient cliClient = new TestClient(cli);
      assertThat(
              cliClient
                  .send("POST", "/v1/chat/completions", chatRequest("m", "x"), "sk-other")
                  .statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void rejectsUnknownCommandLineArguments() {
    assertThatThrownBy(
            () -> FakeOpenAiServer.startFromCommandLine(new String[] {"--verbose"}, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--verbose");
  }

  static String chatRequest(String model, String userText) {
    return Json.write(
        Json.object(
            "model", model, "messages", List.of(Json.object("role", "user", "content", userText))));
  }

  static Object path(Map<?, ?> root, Object... keys) {
    Object node = root;
    for (Object key : keys) {
      node =
          key instanceof Integer
              ? ((List<?>) node).get((Integer) key)
              : ((Map<?, ?>) node).get(key);
    }
    return node;
  }
}
