package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat port end to end over real HTTP against the fake OpenAI server. */
class OpenAiChatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeOpenAiServer server;
  private OpenAiProvider provider;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider = provider(OpenAiProvider.builder());
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  private OpenAiProvider provider(OpenAiProvider.Builder builder) {
    return builder.apiKey("sk-test-key-123456").baseUrl(server.baseUrl().toString()).build();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello there").build();
  }

  @Test
  void returnsTheAnswerWithUsageAndRequestId() {
    ChatResponse response = provider.chat().complete(hello(), soon());

    assertThat(response.content()).isEqualTo("Echo: Hello there");
    assertThat(response.model()).isEqualTo("gpt-4o-mini");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.id()).startsWith("chatcmpl-");
    assertThat(response.requestId()).hasValue("req_fake_1");
    assertThat(response.usage().promptTokens()).isPositive();
    assertThat(response.usage().completionTokens()).isPositive();
    assertThat(response.usage().totalTokens())
        .isEqualTo(response.usage().promptTokens() + response.usage().completionTokens());
  }

  @Test
  void keepsOneConnectionAliveAcrossCallsSmallAndLarge() {
    // Bodies over 8 KB reach the port as a stream rather than a buffer: both must be read to
    // the end, or the JDK client drops the connection instead of pooling it.
    String large = "x".repeat(20_000);
    for (int i = 0; i < 10; i++) {
      server.enqueue(FakeResponse.chatCompletion(i % 2 == 0 ? "small" : large));
    }
    for (int i = 0; i < 10; i++) {
      assertThat(provider.chat().complete(hello(), soon()).content()).isIn("small", large);
    }
    server.enqueue(FakeResponse.error(429, "requests", "rate_limit_exceeded", "slow down"));
    assertThatThrownBy(() -> provider.chat().complete(hello(), soon()))
        .isInstanceOf(RateLimitException.class);
    provider.chat().complete(hello(), soon());

    assertThat(server.requestCount()).isEqualTo(12);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void sendsTheStandardHeaders() {
    OpenAiProvider withOrg =
        provider(OpenAiProvider.builder().organization("org-123").project("proj_456"));
    withOrg.chat().complete(hello(), soon());
    withOrg.close();

    RecordedRequest request = server.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/chat/completions");
    assertThat(request.header("Authorization")).hasValue("Bearer sk-test-key-123456");
    assertThat(request.header("OpenAI-Organization")).hasValue("org-123");
    assertThat(request.header("OpenAI-Project")).hasValue("proj_456");
    assertThat(request.header("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    assertThat(request.header("User-Agent")).hasValueSatisfying(
        agent -> assertThat(agent).startsWith("openai-connector-java/"));
  }

  @Test
  void pinsCleartextCallsToHttp11WithoutAnUpgradeRequest() {
    provider.chat().complete(hello(), soon());

    RecordedRequest request = server.takeRequest();
    assertThat(request.header("Upgrade")).isEmpty();
    assertThat(request.header("HTTP2-Settings")).isEmpty();
  }

  @Test
  void mapsEveryOptionToItsWireField() throws Exception {
    ChatRequest request =
        ChatRequest.builder()
            .model("gpt-4o")
            .system("Answer in JSON.")
            .user("Give me a colour")
            .temperature(0.5)
            .topP(0.9)
            .maxTokens(50)
            .frequencyPenalty(0.1)
            .presencePenalty(-0.2)
            .stop(List.of("END"))
            .seed(42L)
            .n(2)
            .endUserId("user-7")
            .responseFormat(ResponseFormat.jsonObject())
            .build();

    ChatResponse response = provider.chat().complete(request, soon());

    JsonNode body = JSON.readTree(server.takeRequest().body());
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
    assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(50);
    assertThat(body.has("max_tokens")).isFalse();
    assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.1);
    assertThat(body.get("presence_penalty").asDouble()).isEqualTo(-0.2);
    assertThat(body.get("stop").get(0).asText()).isEqualTo("END");
    assertThat(body.get("seed").asLong()).isEqualTo(42);
    assertThat(body.get("n").asInt()).isEqualTo(2);
    assertThat(body.get("user").asText()).isEqualTo("user-7");
    assertThat(body.get("response_format").get("type").asText()).isEqualTo("json_object");
    assertThat(response.choices()).hasSize(2);
    assertThat(JSON.readTree(response.content()).isObject()).isTrue();
  }

  @Test
  void leavesUnsetOptionsOut() throws Exception {
    provider.chat().complete(hello(), soon());

    JsonNode body = JSON.readTree(server.takeRequest().body());
    assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("model", "messages");
    assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Hello there");
  }

  @Test
  void sendsMaxTokensUnderTheLegacyNameWhenConfigured() throws Exception {
    OpenAiProvider legacy =
        provider(OpenAiProvider.builder().maxTokensField(MaxTokensField.MAX_TOKENS));
    legacy
        .chat()
        .complete(ChatRequest.builder().model("local").user("hi").maxTokens(7).build(), soon());
    legacy.close();

    JsonNode body = JSON.readTree(server.takeRequest().body());
    assertThat(body.get("max_tokens").asInt()).isEqualTo(7);
    assertThat(body.has("max_completion_tokens")).isFalse();
  }

  @Test
  void mapsEveryKindOfMessage() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    ChatRequest request =
        ChatRequest.builder()
            .model("gpt-4o")
            .system("Be brief.")
            .user(
                new TextPart("What is in these?"),
                ImagePart.ofUrl(URI.create("https://example.com/cat.png"), ImageDetail.LOW),
                ImagePart.ofBytes(png, "image/png", ImageDetail.HIGH))
            .message(
                new AssistantMessage(
                    null, List.of(new ToolCall("call_1", "lookup", "{\"q\":\"cat\"}")), null))
            .message(ChatMessage.tool("call_1", "{\"answer\":\"a cat\"}"))
            .assistant("A cat.")
            .user("And now?")
            .build();

    provider.chat().complete(request, soon());

    JsonNode messages = JSON.readTree(server.takeRequest().body()).get("messages");
    assertThat(messages).hasSize(6);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    JsonNode parts = messages.get(1).get("content");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).get("image_url").get("url").asText())
        .isEqualTo("https://example.com/cat.png");
    assertThat(parts.get(1).get("image_url").get("detail").asText()).isEqualTo("low");
    assertThat(parts.get(2).get("image_url").get("url").asText())
        .isEqualTo("data:image/png;base64,iVBORw==");
    JsonNode toolCall = messages.get(2).get("tool_calls").get(0);
    assertThat(messages.get(2).has("content")).isFalse();
    assertThat(toolCall.get("id").asText()).isEqualTo("call_1");
    assertThat(toolCall.get("type").asText()).isEqualTo("function");
    assertThat(toolCall.get("function").get("arguments").asText()).isEqualTo("{\"q\":\"cat\"}");
    assertThat(messages.get(3).get("role").asText()).isEqualTo("tool");
    assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(messages.get(4).get("content").asText()).isEqualTo("A cat.");
  }

  @Test
  void mapsToolsToolChoiceAndParallelCalls() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";
    Tool weather =
        Tool.of(
            new ToolDefinition("get_weather", "Current weather for a city", schema, true),
            arguments -> "{}");
    ChatRequest request =
        ChatRequest.builder()
            .model("gpt-4o")
            .user("Weather in Paris?")
            .tool(weather)
            .toolChoice(ToolChoice.tool("get_weather"))
            .parallelToolCalls(false)
            .build();

    provider.chat().complete(request, soon());

    JsonNode body = JSON.readTree(server.takeRequest().body());
    JsonNode function = body.get("tools").get(0).get("function");
    assertThat(body.get("tools").get(0).get("type").asText()).isEqualTo("function");
    assertThat(function.get("name").asText()).isEqualTo("get_weather");
    assertThat(function.get("description").asText()).isEqualTo("Current weather for a city");
    assertThat(function.get("parameters")).isEqualTo(JSON.readTree(schema));
    assertThat(function.get("strict").asBoolean()).isTrue();
    assertThat(body.get("tool_choice").get("function").get("name").asText())
        .isEqualTo("get_weather");
    assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
  }

  @Test
  void sendsSimpleToolChoicesAsStrings() throws Exception {
    Tool noop =
        Tool.of(new ToolDefinition("noop", "Does nothing", "{\"type\":\"object\"}", false), a -> "");
    for (ToolChoice choice : List.of(ToolChoice.auto(), ToolChoice.none(), ToolChoice.required())) {
      provider
          .chat()
          .complete(
              ChatRequest.builder().model("m").user("hi").tool(noop).toolChoice(choice).build(),
              soon());
      JsonNode body = JSON.readTree(server.takeRequest().body());
      assertThat(body.get("tool_choice").asText()).isEqualTo(choice.mode().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void sendsAJsonSchemaResponseFormat() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},"
            + "\"required\":[\"answer\"],\"additionalProperties\":false}";
    provider
        .chat()
        .complete(
            ChatRequest.builder()
                .model("gpt-4o")
                .user("Answer briefly")
                .responseFormat(ResponseFormat.jsonSchema("Answer", schema, true))
                .build(),
            soon());

    JsonNode format = JSON.readTree(server.takeRequest().body()).get("response_format");
    assertThat(format.get("type").asText()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("name").asText()).isEqualTo("Answer");
    assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();
    assertThat(format.get("json_schema").get("schema")).isEqualTo(JSON.readTree(schema));
  }

  @Test
  void readsToolCallsRefusalsCachedAndReasoningTokens() {
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"o3-mini\",\"brand_new_field\":{\"x\":1},"
                + "\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":\"tool_calls\","
                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                + "\"tool_calls\":[{\"id\":\"call_9\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}},"
                + "{\"index\":1,\"logprobs\":null,\"finish_reason\":\"brand_new_reason\","
                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"No.\"}}],"
                + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":40,\"total_tokens\":140,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":64},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":32}}}"));

    ChatResponse response = provider.chat().complete(hello(), soon());

    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.message().toolCalls())
        .containsExactly(new ToolCall("call_9", "weather", "{\"city\":\"Paris\"}"));
    assertThat(response.content()).isEmpty();
    assertThat(response.choices().get(1).message().refusal()).isEqualTo("No.");
    assertThat(response.choices().get(1).finishReason().value()).isEqualTo("brand_new_reason");
    assertThat(response.choices().get(1).finishReason().isKnown()).isFalse();
    assertThat(response.usage()).isEqualTo(new TokenUsage(100, 40, 140, 64, 32));
  }
}
