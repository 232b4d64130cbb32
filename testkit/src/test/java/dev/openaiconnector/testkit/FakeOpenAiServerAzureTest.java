package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.testkit.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Azure OpenAI mode: both layouts, credentials, deployments, api-version, headers, filters. */
class FakeOpenAiServerAzureTest {
  private static final String CHAT = "/openai/deployments/chat/chat/completions";
  private static final String VERSION = "?api-version=2024-10-21";
  private static final String KEY = "azure-key";
  private static final String HELLO =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";

  private @Nullable FakeOpenAiServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TestClient start(FakeOpenAiServer.Builder builder) {
    FakeOpenAiServer started = builder.start();
    server = started;
    return new TestClient(started);
  }

  private FakeOpenAiServer server() {
    assertThat(server).isNotNull();
    return server;
  }

  private static FakeOpenAiServer.Builder deployments() {
    return FakeOpenAiServer.builder()
        .azureApiKey(KEY)
        .azureDeployment("chat", "gpt-4o-2024-08-06")
        .azureDeployment("embed", "text-embedding-3-small")
        .azureDeployment("draw", "dall-e-3");
  }

  private static HttpResponse<String> post(TestClient client, String path, String body) {
    return client.sendWithHeaders("POST", path, body, "api-key", KEY);
  }

  private static Map<String, @Nullable Object> json(HttpResponse<String> response) {
    return map(Json.parse(response.body()));
  }

  private static Map<String, @Nullable Object> error(HttpResponse<String> response) {
    return map(json(response).get("error"));
  }

  private static Map<String, @Nullable Object> firstChoice(Map<?, ?> completion) {
    return map(((List<?>) completion.get("choices")).get(0));
  }

  /** A JSON object with the key type AssertJ needs to take string keys. */
  private static Map<String, @Nullable Object> map(@Nullable Object json) {
    assertThat(json).isInstanceOf(Map.class);
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    ((Map<?, ?>) json).forEach((key, value) -> map.put((String) key, value));
    return map;
  }

  @Test
  void answersChatInTheDeploymentsLayoutWithTheDeploymentsModel() {
    TestClient client = start(deployments());

    HttpResponse<String> response = post(client, CHAT + VERSION, HELLO);

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, @Nullable Object> completion = json(response);
    assertThat(completion.get("model")).isEqualTo("gpt-4o-2024-08-06");
    Map<?, ?> message = (Map<?, ?>) firstChoice(completion).get("message");
    assertThat(message.get("content")).isEqualTo("Echo: hello there");
  }

  @Test
  void ignoresTheBodysModelInTheDeploymentsLayout() {
    TestClient client = start(deployments());

    HttpResponse<String> response =
        post(client, CHAT + VERSION, FakeOpenAiServerTest.chatRequest("gpt-3.5-turbo", "hi"));

    assertThat(json(response).get("model")).isEqualTo("gpt-4o-2024-08-06");
  }

  @Test
  void answersChatInTheV1LayoutWithTheBodysModelAsDeployment() {
    TestClient client = start(deployments());

    HttpResponse<String> response =
        post(client, "/openai/v1/chat/completions", FakeOpenAiServerTest.chatRequest("chat", "hi"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("model")).isEqualTo("gpt-4o-2024-08-06");
    assertThat(json(response)).containsKey("prompt_filter_results");
    assertThat(server().azureV1BaseUrl())
        .hasToString("http://127.0.0.1:" + server().port() + "/openai/v1");
  }

  @Test
  void v1LayoutNeedsAModelAndTakesOnlyPreviewOrLatestAsVersion() {
    TestClient client = start(deployments());

    HttpResponse<String> noModel = post(client, "/openai/v1/chat/completions", HELLO);
    HttpResponse<String> preview =
        post(
            client,
            "/openai/v1/chat/completions?api-version=preview",
            FakeOpenAiServerTest.chatRequest("chat", "hi"));
    HttpResponse<String> dated =
        post(
            client,
            "/openai/v1/chat/completions" + VERSION,
            FakeOpenAiServerTest.chatRequest("chat", "hi"));

    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(error(noModel).get("param")).isEqualTo("model");
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(dated.statusCode()).isEqualTo(400);
  }

  @Test
  void unknownDeploymentIsDeploymentNotFoundInBothLayouts() {
    TestClient client = start(deployments());

    HttpResponse<String> path =
        post(client, "/openai/deployments/nope/chat/completions" + VERSION, HELLO);
    HttpResponse<String> v1 =
        post(client, "/openai/v1/chat/completions", FakeOpenAiServerTest.chatRequest("nope", "x"));

    for (HttpResponse<String> response : List.of(path, v1)) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(error(response).get("code")).isEqualTo("DeploymentNotFound");
      assertThat((String) error(response).get("message")).contains("does not exist");
    }
  }

  @Test
  void withoutDeclaredDeploymentsEveryDeploymentAnswersWithItsName() {
    TestClient client = start(FakeOpenAiServer.builder().azure());

    HttpResponse<String> response =
        post(client, "/openai/deployments/my-gpt/chat/completions" + VERSION, HELLO);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("model")).isEqualTo("my-gpt");
  }

  @Test
  void missingApiVersionIsAzuresResourceNotFound() {
    TestClient client = start(deployments());

    HttpResponse<String> response = post(client, CHAT, HELLO);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response)).containsEntry("code", "404");
    assertThat(error(response)).containsEntry("message", "Resource not found");
  }

  @Test
  void unknownApiVersionIsABadRequest() {
    TestClient client = start(deployments());

    HttpResponse<String> response = post(client, CHAT + "?api-version=2019-01-01", HELLO);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).containsEntry("code", "BadRequest");
    assertThat(error(response)).containsEntry("message", "API version not supported");
  }

  @Test
  void acceptsOnlyTheConfiguredApiVersions() {
    TestClient client = start(deployments().azureApiVersions("2025-01-01-preview"));

    assertThat(post(client, CHAT + "?api-version=2025-01-01-preview", HELLO).statusCode())
        .isEqualTo(200);
    assertThat(post(client, CHAT + VERSION, HELLO).statusCode()).isEqualTo(400);
  }

  @Test
  void unknownAzurePathOrOperationIsResourceNotFound() {
    TestClient client = start(deployments());

    assertThat(post(client, "/openai/deployments/chat/completions" + VERSION, HELLO).statusCode())
        .isEqualTo(404);
    assertThat(post(client, "/openai/models" + VERSION, "").statusCode()).isEqualTo(404);
    HttpResponse<String> get =
        client.sendWithHeaders("GET", CHAT + VERSION, "", "api-key", KEY);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void acceptsTheApiKeyAndRefusesAnotherOrNone() {
    TestClient client = start(deployments());

    HttpResponse<String> wrong = client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "api-key", "x");
    HttpResponse<String> none = client.sendWithHeaders("POST", CHAT + VERSION, HELLO);
    HttpResponse<String> bearer =
        client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer " + KEY);

    assertThat(post(client, CHAT + VERSION, HELLO).statusCode()).isEqualTo(200);
    for (HttpResponse<String> refused : List.of(wrong, none, bearer)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(error(refused)).containsEntry("code", "401");
      assertThat(refused.body()).doesNotContain(KEY);
    }
    assertThat((String) error(none).get("message")).contains("missing subscription key");
    assertThat((String) error(wrong).get("message")).contains("invalid subscription key");
    assertThat((String) error(bearer).get("message")).contains("Access token");
  }

  @Test
  void acceptsTheConfiguredBearerTokenAndRefusesOthersAndApiKeys() {
    TestClient client = start(FakeOpenAiServer.builder().azureBearerToken("entra-token"));

    HttpResponse<String> good =
        client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer entra-token");
    HttpResponse<String> expired =
        client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer old-token");
    HttpResponse<String> key = client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "api-key", "k");

    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(key.statusCode()).isEqualTo(401);
  }

  @Test
  void bearerPredicateDecidesPerRequestSoATokenCanExpire() {
    AtomicReference<String> current = new AtomicReference<>("token-1");
    TestClient client =
        start(FakeOpenAiServer.builder().acceptBearerTokens(t -> t.equals(current.get())));

    assertThat(
            client
                .sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer token-1")
                .statusCode())
        .isEqualTo(200);
    current.set("token-2");
    assertThat(
            client
                .sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer token-1")
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void withoutConfiguredCredentialsAnyNonBlankKeyOrTokenPasses() {
    TestClient client = start(FakeOpenAiServer.builder().azure());

    assertThat(
            client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "api-key", "any").statusCode())
        .isEqualTo(200);
    assertThat(
            client
                .sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer any")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            client
                .sendWithHeaders("POST", CHAT + VERSION, HELLO, "Authorization", "Bearer  ")
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void sendsAzuresHeadersOnAnswersAndErrors() {
    TestClient client = start(deployments().azureRegion("Sweden Central"));

    HttpResponse<String> ok = post(client, CHAT + VERSION, HELLO);
    HttpResponse<String> refused = client.sendWithHeaders("POST", CHAT + VERSION, HELLO);

    assertThat(ok.headers().firstValue("apim-request-id"))
        .hasValue("00000001-0000-4000-8000-000000000001");
    assertThat(ok.headers().firstValue("x-request-id"))
        .isEqualTo(ok.headers().firstValue("apim-request-id"));
    assertThat(ok.headers().firstValue("x-ms-region")).hasValue("Sweden Central");
    assertThat(refused.headers().firstValue("apim-request-id"))
        .hasValue("00000002-0000-4000-8000-000000000002");
    assertThat(refused.headers().firstValue("x-ms-region")).hasValue("Sweden Central");
  }

  @Test
  void scriptedHeadersWinOverAzures() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.chatCompletion("x").header("apim-request-id", "mine"));

    HttpResponse<String> response = post(client, CHAT + VERSION, HELLO);

    assertThat(response.headers().allValues("apim-request-id")).containsExactly("mine");
  }

  @Test
  void chatAnswersCarryPromptAndChoiceFilterResults() {
    TestClient client = start(deployments());

    Map<String, @Nullable Object> completion = json(post(client, CHAT + VERSION, HELLO));

    List<?> prompts = (List<?>) completion.get("prompt_filter_results");
    assertThat(prompts).hasSize(1);
    Map<String, @Nullable Object> prompt = map(prompts.get(0));
    assertThat(prompt.get("prompt_index")).isEqualTo(Json.parse("0"));
    Map<String, @Nullable Object> promptResults = map(prompt.get("content_filter_results"));
    assertThat(promptResults.keySet())
        .containsExactly("hate", "jailbreak", "self_harm", "sexual", "violence");
    assertThat(promptResults.get("sexual")).isEqualTo(Json.object("filtered", false, "severity", "safe"));
    Map<String, @Nullable Object> choiceResults =
        map(firstChoice(completion).get("content_filter_results"));
    assertThat(choiceResults.keySet())
        .contains("hate", "self_harm", "sexual", "violence", "protected_material_text");
    assertThat(firstChoice(completion).get("finish_reason")).isEqualTo("stop");
  }

  @Test
  void toolCallChoicesHaveEmptyFilterResults() {
    TestClient client = start(deployments());
    String request =
        "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"time?\"}]}";

    Map<String, @Nullable Object> choice = firstChoice(json(post(client, CHAT + VERSION, request)));

    assertThat(choice.get("finish_reason")).isEqualTo("tool_calls");
    assertThat((Map<?, ?>) choice.get("content_filter_results")).isEmpty();
  }

  @Test
  void streamsStartWithAzuresPromptChunkAndCarryFilterResults() {
    TestClient client = start(deployments());
    String request =
        "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}";

    HttpResponse<String> response = post(client, CHAT + VERSION, request);

    List<String> events = TestClient.events(response.body());
    assertThat(events).last().isEqualTo("[DONE]");
    Map<String, @Nullable Object> first = map(Json.parse(events.get(0)));
    assertThat((List<?>) first.get("choices")).isEmpty();
    assertThat(first.get("object")).isEqualTo("");
    assertThat(first.get("id")).isEqualTo("");
    assertThat((List<?>) first.get("prompt_filter_results")).hasSize(1);
    StringBuilder text = new StringBuilder();
    for (String event : events.subList(1, events.size() - 1)) {
      Map<?, ?> chunk = (Map<?, ?>) Json.parse(event);
      assertThat(chunk.get("model")).isEqualTo("gpt-4o-2024-08-06");
      for (Object item : (List<?>) chunk.get("choices")) {
        Map<?, ?> choice = (Map<?, ?>) item;
        Map<String, @Nullable Object> results = map(choice.get("content_filter_results"));
        Object content = ((Map<?, ?>) choice.get("delta")).get("content");
        if (content instanceof String && !((String) content).isEmpty()) {
          text.append(content);
          assertThat(results).containsKeys("hate", "sexual", "violence", "self_harm");
        } else {
          assertThat(results).isEmpty();
        }
      }
    }
    assertThat(text).hasToString("Echo: stream me");
  }

  @Test
  void scriptedChatAnswersGetFilterResultsOnAzurePathsOnly() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.chatCompletion("scripted"));
    server().enqueue(FakeResponse.streamedChatCompletion("scripted", 4));
    server().enqueue(FakeResponse.chatCompletion("plain OpenAI"));

    Map<String, @Nullable Object> plain = json(post(client, CHAT + VERSION, HELLO));
    List<String> events = TestClient.events(post(client, CHAT + VERSION, HELLO).body());
    Map<String, @Nullable Object> openAi = json(client.chat(FakeOpenAiServerTest.chatRequest("m", "x")));

    assertThat(plain).containsKey("prompt_filter_results");
    assertThat(firstChoice(plain)).containsKey("content_filter_results");
    assertThat(((Map<?, ?>) Json.parse(events.get(0))).get("prompt_filter_results")).isNotNull();
    assertThat(openAi).doesNotContainKey("prompt_filter_results");
  }

  @Test
  void answersEmbeddingsAndImagesInBothLayouts() {
    TestClient client = start(deployments());

    HttpResponse<String> embeddings =
        post(client, "/openai/deployments/embed/embeddings" + VERSION, "{\"input\":[\"a\",\"b\"]}");
    HttpResponse<String> embeddingsV1 =
        post(client, "/openai/v1/embeddings", "{\"model\":\"embed\",\"input\":\"a\"}");
    HttpResponse<String> images =
        post(
            client,
            "/openai/deployments/draw/images/generations" + VERSION,
            "{\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}");
    HttpResponse<String> imagesV1 =
        post(client, "/openai/v1/images/generations", "{\"model\":\"draw\",\"prompt\":\"a cat\"}");

    assertThat(embeddings.statusCode()).isEqualTo(200);
    assertThat(json(embeddings).get("model")).isEqualTo("text-embedding-3-small");
    assertThat((List<?>) json(embeddings).get("data")).hasSize(2);
    assertThat(embeddingsV1.statusCode()).isEqualTo(200);
    for (HttpResponse<String> response : List.of(images, imagesV1)) {
      assertThat(response.statusCode()).isEqualTo(200);
      Map<String, @Nullable Object> image = map(((List<?>) json(response).get("data")).get(0));
      assertThat(image.get("revised_prompt")).isEqualTo("A detailed rendering of: a cat");
      assertThat(image).containsKeys("content_filter_results", "prompt_filter_results");
    }
  }

  @Test
  void recordsPathQueryAndTheBodyAsSent() {
    TestClient client = start(deployments());

    post(client, CHAT + VERSION + "&x=a%20b", HELLO);

    RecordedRequest request = server().takeRequest();
    assertThat(request.path()).isEqualTo(CHAT + VERSION + "&x=a%20b");
    assertThat(request.queryParameter("api-version")).hasValue("2024-10-21");
    assertThat(request.queryParameter("x")).hasValue("a b");
    assertThat(request.queryParameter("missing")).isEmpty();
    assertThat(request.header("api-key")).hasValue(KEY);
    assertThat(map(Json.parse(request.body()))).doesNotContainKey("model");
  }

  @Test
  void openAiPathsStillWorkInAzureMode() {
    TestClient client = start(deployments());

    HttpResponse<String> response = client.chat(FakeOpenAiServerTest.chatRequest("m", "x"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-ms-region")).hasValue("East US");
  }

  @Test
  void azurePathsAreNotFoundOutsideAzureMode() {
    TestClient client = start(FakeOpenAiServer.builder());

    HttpResponse<String> response = post(client, CHAT + VERSION, HELLO);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("apim-request-id")).isEmpty();
    assertThatThrownBy(() -> server().azureEndpoint())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("azure()");
  }

  @Test
  void contentFilterErrorHasAzuresShape() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.azureContentFilterError("sexual", "high"));

    HttpResponse<String> response = post(client, CHAT + VERSION, HELLO);

    assertThat(response.statusCode()).isEqualTo(400);
    Map<String, @Nullable Object> error = error(response);
    assertThat(error).containsEntry("code", "content_filter").containsEntry("param", "prompt");
    assertThat(error).containsKey("type");
    assertThat(error.get("type")).isNull();
    Map<String, @Nullable Object> inner = map(error.get("innererror"));
    assertThat(inner).containsEntry("code", "ResponsibleAIPolicyViolation");
    Map<String, @Nullable Object> results = map(inner.get("content_filter_result"));
    assertThat(results.get("sexual")).isEqualTo(Json.object("filtered", true, "severity", "high"));
    assertThat(results.get("hate")).isEqualTo(Json.object("filtered", false, "severity", "safe"));
    assertThat(response.headers().firstValue("apim-request-id")).isPresent();
  }

  @Test
  void contentFilteredCompletionEndsWithContentFilter() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.azureContentFilteredCompletion("violence", "medium"));

    Map<String, @Nullable Object> completion = json(post(client, CHAT + VERSION, HELLO));

    Map<String, @Nullable Object> choice = firstChoice(completion);
    assertThat(choice.get("finish_reason")).isEqualTo("content_filter");
    assertThat(((Map<?, ?>) choice.get("message")).get("content")).isNull();
    Map<String, @Nullable Object> results = map(choice.get("content_filter_results"));
    assertThat(results.get("violence"))
        .isEqualTo(Json.object("filtered", true, "severity", "medium"));
    assertThat(completion).containsKey("prompt_filter_results");
  }

  @Test
  void contentFilteredStreamStopsWithContentFilter() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.azureContentFilteredStream("Once upon", "hate", "low"));

    List<String> events =
        TestClient.events(post(client, CHAT + VERSION, "{\"stream\":true," + HELLO.substring(1)).body());

    assertThat(((Map<?, ?>) Json.parse(events.get(0))).get("prompt_filter_results")).isNotNull();
    StringBuilder text = new StringBuilder();
    Map<?, ?> finish = null;
    for (String event : events.subList(1, events.size() - 1)) {
      for (Object item : (List<?>) ((Map<?, ?>) Json.parse(event)).get("choices")) {
        Map<?, ?> choice = (Map<?, ?>) item;
        Object content = ((Map<?, ?>) choice.get("delta")).get("content");
        text.append(content == null ? "" : content);
        if (choice.get("finish_reason") != null) {
          finish = choice;
        }
      }
    }
    assertThat(text).hasToString("Once upon");
    assertThat(finish).isNotNull();
    assertThat(finish.get("finish_reason")).isEqualTo("content_filter");
    Map<String, @Nullable Object> results = map(finish.get("content_filter_results"));
    assertThat(results.get("hate")).isEqualTo(Json.object("filtered", true, "severity", "low"));
    assertThat(events).last().isEqualTo("[DONE]");
  }

  @Test
  void contentFilterFactoriesRejectUnknownCategoriesAndSeverities() {
    assertThatThrownBy(() -> FakeResponse.azureContentFilterError("jailbreak", "high"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("category");
    assertThatThrownBy(() -> FakeResponse.azureContentFilteredCompletion("hate", "safe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("severity");
  }

  @Test
  void azureRateLimitedCarriesAzuresRetryHeaders() {
    TestClient client = start(deployments());
    server().enqueue(FakeResponse.azureRateLimited(Duration.ofMillis(1500)));

    HttpResponse<String> response = post(client, CHAT + VERSION, HELLO);

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(error(response)).containsEntry("code", "429");
    assertThat(response.headers().firstValue("retry-after")).hasValue("2");
    assertThat(response.headers().firstValue("retry-after-ms")).hasValue("1500");
    assertThat(response.headers().firstValue("x-ms-retry-after-ms")).hasValue("1500");
  }

  @Test
  void builderRejectsBadAzureValuesWhereTheyAreSet() {
    FakeOpenAiServer.Builder builder = FakeOpenAiServer.builder();

    assertThatThrownBy(() -> builder.azureApiKey(" ")).hasMessageContaining("apiKey");
    assertThatThrownBy(() -> builder.azureBearerToken("")).hasMessageContaining("token");
    assertThatThrownBy(() -> builder.azureDeployment("a/b", "m")).hasMessageContaining("deployment");
    assertThatThrownBy(() -> builder.azureDeployment("a", " ")).hasMessageContaining("model");
    assertThatThrownBy(() -> builder.azureRegion("East\nUS")).hasMessageContaining("region");
    assertThatThrownBy(() -> builder.azureApiVersions()).hasMessageContaining("versions");
  }

  @Test
  void startsInAzureModeFromTheCommandLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FakeOpenAiServer started =
        FakeOpenAiServer.startFromCommandLine(
            new String[] {"--azure-api-key=k", "--azure-deployment=chat=gpt-4o"},
            new PrintStream(out, true, StandardCharsets.UTF_8));
    server = started;
    TestClient client = new TestClient(started);

    HttpResponse<String> response =
        client.sendWithHeaders("POST", CHAT + VERSION, HELLO, "api-key", "k");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(started.azureEndpoint() + "/v1" + System.lineSeparator());
    assertThat(json(response).get("model")).isEqualTo("gpt-4o");
  }
}
