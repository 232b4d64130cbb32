package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ConflictException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.internal.FakePng;
import dev.openaiconnector.testkit.internal.Json;
import dev.openaiconnector.testkit.internal.ReflectiveConnectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider contract kit: what the core relies on from every {@link Provider}, checked against
 * the {@link FakeOpenAiServer}. A provider author extends it with a factory; our OpenAI and Azure
 * providers pass it, and so must yours.
 *
 * <pre>{@code
 * class MyProviderContractTest extends ProviderContract {
 *   @Override
 *   protected Provider createProvider(FakeOpenAiServer server) {
 *     return MyProvider.builder().baseUrl(server.baseUrl()).apiKey("test-key").build();
 *   }
 * }
 * }</pre>
 *
 * <p>It checks, through the provider's ports: the request on the wire (method, path, messages,
 * sampling options, tools, response formats, images, embeddings and image options), the answer
 * mapped back (text, finish reason, tool calls, usage, request id), the exception for each error
 * status (type, status, error code, request id, provider id, retriability), and each {@link
 * Capability}: a declared one works, an undeclared one has no port and a connector built on the
 * provider rejects a request that needs it with {@link UnsupportedCapabilityException} before any
 * request is sent. That last check builds a connector through {@code Connectors.builder()}, so
 * the core must be on the test class path.
 *
 * <p>Override {@link #startServer()} for a server in another mode (Azure, an API key it checks),
 * the model methods for other models, and {@link #assertModelSent} where the model travels
 * outside the body (an Azure deployment in the path).
 */
public abstract class ProviderContract {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private @Nullable FakeOpenAiServer server;
  private final List<Provider> providers = new ArrayList<>();

  /** Creates the contract; subclasses supply {@link #createProvider(FakeOpenAiServer)}. */
  protected ProviderContract() {}

  /**
   * Creates the provider under test, pointed at the fake server. Called once or twice per test;
   * the contract closes what it creates.
   *
   * @param server the running fake server: its {@link FakeOpenAiServer#baseUrl()} (or {@link
   *     FakeOpenAiServer#azureEndpoint()} in Azure mode) and the key it expects, if any
   * @return a new provider
   * @throws Exception if it cannot be created
   */
  protected abstract Provider createProvider(FakeOpenAiServer server) throws Exception;

  /**
   * Starts the fake server for one test. Override to start it in another mode, such as {@code
   * FakeOpenAiServer.builder().azure().azureDeployment("chat", "gpt-4o-mini").start()}.
   *
   * @return the running server; the contract closes it
   */
  protected FakeOpenAiServer startServer() {
    return FakeOpenAiServer.start();
  }

  /**
   * Returns the chat model (or deployment) the contract's requests name.
   *
   * @return {@code gpt-4o-mini} unless overridden
   */
  protected String chatModel() {
    return "gpt-4o-mini";
  }

  /**
   * Returns the embeddings model the contract's requests name.
   *
   * @return {@code text-embedding-3-small} unless overridden
   */
  protected String embeddingModel() {
    return "text-embedding-3-small";
  }

  /**
   * Returns the image model the contract's requests name.
   *
   * @return {@code dall-e-2} unless overridden
   */
  protected String imageModel() {
    return "dall-e-2";
  }

  /**
   * Checks that a request on the wire names the model. By default the body's {@code model} must be
   * the model; override where the model travels elsewhere, such as a deployment in the path.
   *
   * @param request the request as the server received it
   * @param body its JSON body
   * @param model the model the request named
   */
  protected void assertModelSent(RecordedRequest request, Map<String, ?> body, String model) {
    assertThat(body.get("model")).as("the body's model").isEqualTo(model);
  }

  /**
   * Returns the response header the provider reads its request id from; the contract's scripted
   * answers carry their id in it.
   *
   * @return {@code x-request-id} unless overridden (Azure's gateway sends {@code apim-request-id})
   */
  protected String requestIdHeader() {
    return "x-request-id";
  }

  /**
   * Checks that a request on the wire carries the provider's credentials. Does nothing by
   * default; override to check your authentication header.
   *
   * @param request the request as the server received it
   */
  protected void assertAuthenticated(RecordedRequest request) {}

  @BeforeEach
  void startFakeServer() {
    server = startServer();
  }

  @AfterEach
  void closeProvidersAndServer() {
    providers.forEach(Provider::close);
    providers.clear();
    if (server != null) {
      server.close();
    }
  }

  private FakeOpenAiServer server() {
    if (server == null) {
      throw new IllegalStateException("the fake server is started before each test");
    }
    return server;
  }

  private Provider provider() throws Exception {
    Provider provider = createProvider(server());
    providers.add(provider);
    return provider;
  }

  private static Deadline deadline() {
    return Deadline.after(CALL_TIMEOUT);
  }

  private RecordedRequest onlyRequest() {
    assertThat(server().requestCount()).as("requests sent").isEqualTo(1);
    RecordedRequest request = server().requests().get(0);
    assertAuthenticated(request);
    return request;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(RecordedRequest request) {
    Object body = Json.parse(request.body());
    assertThat(body).as("the request body is a JSON object").isInstanceOf(Map.class);
    return (Map<String, Object>) body;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object path(@Nullable Object json, Object... keys) {
    Object value = json;
    for (Object key : keys) {
      if (key instanceof Integer && value instanceof List) {
        value = ((List<Object>) value).get((Integer) key);
      } else if (value instanceof Map) {
        value = ((Map<String, Object>) value).get((String) key);
      } else {
        return null;
      }
    }
    return value;
  }

  private ChatRequest.Builder question() {
    return ChatRequest.builder().model(chatModel()).user("What is the capital of France?");
  }

  private boolean declares(Provider provider, Capability capability) {
    return provider.capabilities().contains(capability);
  }

  // ---- identity and chat --------------------------------------------------------------------

  @Test
  void hasAnIdAndDeclaresChat() throws Exception {
    Provider provider = provider();
    assertThat(provider.id()).as("id()").isNotBlank();
    assertThat(provider.capabilities()).as("capabilities()").contains(Capability.CHAT);
    assertThat(provider.chat()).as("chat()").isNotNull();
  }

  @Test
  void sendsAChatRequestWithEveryMessageAndOption() throws Exception {
    Provider provider = provider();
    ChatRequest request = ChatRequest.builder()
        .model(chatModel())
        .system("Answer in one word.")
        .user("Capital of France?")
        .assistant("Paris.")
        .user("And of Italy?")
        .temperature(0.25)
        .topP(0.5)
        .maxTokens(42)
        .stop(List.of("END"))
        .seed(7L)
        .build();

    provider.chat().complete(request, deadline());

    RecordedRequest sent = onlyRequest();
    Map<String, Object> body = body(sent);
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).contains("/chat/completions");
    assertModelSent(sent, body, chatModel());
    assertThat((List<?>) path(body, "messages")).hasSize(4);
    assertThat(List.of(
            path(body, "messages", 0, "role"), path(body, "messages", 1, "role"),
            path(body, "messages", 2, "role"), path(body, "messages", 3, "role")))
        .containsExactly("system", "user", "assistant", "user");
    assertThat(path(body, "messages", 0, "content")).isEqualTo("Answer in one word.");
    assertThat(textOf(path(body, "messages", 3, "content"))).isEqualTo("And of Italy?");
    assertThat(path(body, "messages", 2, "content")).isEqualTo("Paris.");
    assertThat(((Number) path(body, "temperature")).doubleValue()).isEqualTo(0.25);
    assertThat(((Number) path(body, "top_p")).doubleValue()).isEqualTo(0.5);
    Object maxTokens = body.containsKey("max_completion_tokens")
        ? body.get("max_completion_tokens") : body.get("max_tokens");
    assertThat(whole(maxTokens)).as("max_tokens or max_completion_tokens").isEqualTo(42);
    assertThat(path(body, "stop")).satisfiesAnyOf(
        stop -> assertThat(stop).isEqualTo(List.of("END")),
        stop -> assertThat(stop).isEqualTo("END"));
    assertThat(whole(path(body, "seed"))).as("seed").isEqualTo(7);
  }

  /** A JSON whole number as a long, whatever type the parser chose; null if it is not one. */
  private static @Nullable Long whole(@Nullable Object number) {
    return number instanceof Number ? ((Number) number).longValue() : null;
  }

  /** A user message's content is a string or an array of parts; returns the text either way. */
  private static @Nullable Object textOf(@Nullable Object content) {
    if (content instanceof List<?> parts && parts.size() == 1) {
      return path(parts.get(0), "text");
    }
    return content;
  }

  @Test
  void readsTheAnswerItsUsageAndRequestId() throws Exception {
    Provider provider = provider();
    server().enqueue(FakeResponse.json(200, completion(
            "{\"role\":\"assistant\",\"content\":\"Paris\"}", "stop",
            "{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}"))
        .header(requestIdHeader(), "req_contract_1"));

    ChatResponse response = provider.chat().complete(question().build(), deadline());

    assertThat(response.content()).isEqualTo("Paris");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.id()).isEqualTo("chatcmpl-contract");
    assertThat(response.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(response.usage().promptTokens()).isEqualTo(11);
    assertThat(response.usage().completionTokens()).isEqualTo(7);
    assertThat(response.usage().totalTokens()).isEqualTo(18);
    assertThat(response.requestId()).contains("req_contract_1");
    onlyRequest();
  }

  @Test
  void readsAnAnswerCutShortByTheTokenLimit() throws Exception {
    Provider provider = provider();
    server().enqueue(FakeResponse.json(200, completion(
        "{\"role\":\"assistant\",\"content\":\"Par\"}", "length",
        "{\"prompt_tokens\":11,\"completion_tokens\":1,\"total_tokens\":12}")));

    ChatResponse response = provider.chat().complete(question().maxTokens(1).build(), deadline());

    assertThat(response.content()).isEqualTo("Par");
    assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  private static String completion(String message, String finishReason, String usage) {
    return "{\"id\":\"chatcmpl-contract\",\"object\":\"chat.completion\",\"created\":1700000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":"
        + message + ",\"logprobs\":null,\"finish_reason\":\"" + finishReason + "\"}],"
        + "\"usage\":" + usage + "}";
  }

  // ---- errors ---------------------------------------------------------------------------------

  @Test
  void mapsEachErrorStatusToItsException() throws Exception {
    Provider provider = provider();
    expectError(provider, 400, "invalid_request_error", "invalid_value",
        InvalidRequestException.class, false);
    expectError(provider, 401, "invalid_request_error", "invalid_api_key",
        AuthenticationException.class, false);
    expectError(provider, 403, "invalid_request_error", "unsupported_country_region_territory",
        PermissionDeniedException.class, false);
    expectError(provider, 404, "invalid_request_error", "model_not_found",
        NotFoundException.class, false);
    expectError(provider, 409, "invalid_request_error", "conflict",
        ConflictException.class, true);
    expectError(provider, 422, "invalid_request_error", "unprocessable",
        InvalidRequestException.class, false);
    expectError(provider, 429, "requests", "rate_limit_exceeded",
        RateLimitException.class, true);
    expectError(provider, 429, "insufficient_quota", "insufficient_quota",
        QuotaExceededException.class, false);
    expectError(provider, 500, "server_error", "server_error", ServerException.class, true);
    expectError(provider, 503, "server_error", "overloaded", ServerException.class, true);
  }

  private void expectError(
      Provider provider, int status, String type, String code,
      Class<? extends ConnectorException> expected, boolean retriable) {
    String requestId = "req_contract_" + status + "_" + code;
    String message = "Contract error " + status + " " + code;
    server().enqueue(FakeResponse.error(status, type, code, message)
        .header(requestIdHeader(), requestId));

    ConnectorException failure = catchThrowableOfType(
        ConnectorException.class, () -> provider.chat().complete(question().build(), deadline()));

    assertThat(failure).as("the failure for HTTP %d %s", status, code).isInstanceOf(expected);
    assertThat(failure.status()).as("status() of HTTP %d", status).hasValue(status);
    assertThat(failure.errorCode()).as("errorCode() of HTTP %d", status).contains(code);
    assertThat(failure.requestId()).as("requestId() of HTTP %d", status).contains(requestId);
    assertThat(failure.providerId()).as("providerId() of HTTP %d", status).contains(provider.id());
    assertThat(failure.isRetriable()).as("isRetriable() of HTTP %d %s", status, code)
        .isEqualTo(retriable);
    assertThat(failure.getMessage()).as("the message of HTTP %d", status).contains(message);
  }

  @Test
  void reportsTheServersWaitOnARateLimit() throws Exception {
    Provider provider = provider();
    server().enqueue(FakeResponse.rateLimited(Duration.ofSeconds(3)));

    RateLimitException failure = catchThrowableOfType(
        RateLimitException.class, () -> provider.chat().complete(question().build(), deadline()));

    assertThat(failure).isNotNull();
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(3));
  }

  // ---- capabilities ---------------------------------------------------------------------------

  @Test
  void tools() throws Exception {
    Provider provider = provider();
    Tool weather = Tool.of(new ToolDefinition("get_weather", "Current weather in a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"],\"additionalProperties\":false}", true),
        arguments -> "{\"celsius\":21}");
    ChatRequest request = question().tool(weather).build();
    if (!declares(provider, Capability.TOOLS)) {
      assertUnsupported(Capability.TOOLS, connector -> connector.chat(request));
      return;
    }
    server().enqueue(FakeResponse.json(200, completion(
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}", "tool_calls",
        "{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}")));

    ChatResponse response = provider.chat().complete(request, deadline());

    Map<String, Object> body = body(onlyRequest());
    assertThat(path(body, "tools", 0, "type")).isEqualTo("function");
    assertThat(path(body, "tools", 0, "function", "name")).isEqualTo("get_weather");
    assertThat(path(body, "tools", 0, "function", "parameters", "required"))
        .isEqualTo(List.of("city"));
    AssistantMessage message = response.message();
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(message.toolCalls())
        .containsExactly(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"));
  }

  @Test
  void vision() throws Exception {
    Provider provider = provider();
    ChatRequest request = ChatRequest.builder().model(chatModel())
        .user(ContentPart.text("What is in this picture?"),
            ImagePart.ofBytes(FakePng.bytes(), "image/png", ImageDetail.LOW))
        .build();
    if (!declares(provider, Capability.VISION)) {
      assertUnsupported(Capability.VISION, connector -> connector.chat(request));
      return;
    }

    provider.chat().complete(request, deadline());

    Map<String, Object> body = body(onlyRequest());
    assertThat(path(body, "messages", 0, "content", 0, "text"))
        .isEqualTo("What is in this picture?");
    assertThat(path(body, "messages", 0, "content", 1, "type")).isEqualTo("image_url");
    assertThat(path(body, "messages", 0, "content", 1, "image_url", "url"))
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(FakePng.bytes()));
    assertThat(path(body, "messages", 0, "content", 1, "image_url", "detail")).isEqualTo("low");
  }

  @Test
  void jsonMode() throws Exception {
    Provider provider = provider();
    ChatRequest request = question().responseFormat(ResponseFormat.jsonObject())
        .system("Answer in JSON.").build();
    if (!declares(provider, Capability.JSON_MODE)) {
      assertUnsupported(Capability.JSON_MODE, connector -> connector.chat(request));
      return;
    }

    provider.chat().complete(request, deadline());

    assertThat(path(body(onlyRequest()), "response_format", "type")).isEqualTo("json_object");
  }

  @Test
  void structuredOutput() throws Exception {
    Provider provider = provider();
    String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
        + "\"required\":[\"city\"],\"additionalProperties\":false}";
    ChatRequest request =
        question().responseFormat(ResponseFormat.jsonSchema("capital", schema, true)).build();
    if (!declares(provider, Capability.STRUCTURED_OUTPUT)) {
      assertUnsupported(Capability.STRUCTURED_OUTPUT, connector -> connector.chat(request));
      return;
    }

    provider.chat().complete(request, deadline());

    Map<String, Object> body = body(onlyRequest());
    assertThat(path(body, "response_format", "type")).isEqualTo("json_schema");
    assertThat(path(body, "response_format", "json_schema", "name")).isEqualTo("capital");
    assertThat(path(body, "response_format", "json_schema", "strict")).isEqualTo(true);
    assertThat(path(body, "response_format", "json_schema", "schema", "required"))
        .isEqualTo(List.of("city"));
  }

  @Test
  void streaming() throws Exception {
    Provider provider = provider();
    ChatRequest request = question().build();
    if (!declares(provider, Capability.CHAT_STREAMING)) {
      assertThat(provider.chatStream()).as("chatStream() of a provider that cannot stream")
          .isEmpty();
      assertUnsupported(Capability.CHAT_STREAMING, connector -> connector.stream(request).close());
      return;
    }
    assertThat(provider.chatStream()).as("chatStream() of a provider that declares it").isPresent();
    server().enqueue(FakeResponse.streamedChatCompletion("Paris is the capital.", 4)
        .header(requestIdHeader(), "req_contract_stream"));

    StringBuilder text = new StringBuilder();
    List<ChatDelta> deltas = new ArrayList<>();
    try (ChatEventSource events = provider.chatStream().orElseThrow().open(request, deadline())) {
      for (ChatDelta delta = events.next(); delta != null; delta = events.next()) {
        deltas.add(delta);
        text.append(delta.text());
      }
      assertThat(events.requestId()).isEqualTo("req_contract_stream");
    }

    assertThat(text.toString()).isEqualTo("Paris is the capital.");
    assertThat(deltas).as("content deltas").filteredOn(delta -> delta.content() != null)
        .hasSizeGreaterThan(1);
    assertThat(deltas).extracting(ChatDelta::finishReason).contains(FinishReason.STOP);
    assertThat(deltas).extracting(ChatDelta::usage).filteredOn(usage -> usage != null)
        .singleElement().satisfies(usage -> assertThat(usage.totalTokens()).isPositive());
    Map<String, Object> body = body(onlyRequest());
    assertThat(body.get("stream")).isEqualTo(true);
    assertModelSent(server().requests().get(0), body, chatModel());
  }

  @Test
  void embeddings() throws Exception {
    Provider provider = provider();
    EmbeddingRequest request = EmbeddingRequest.builder().model(embeddingModel())
        .inputs(List.of("first", "second", "third")).dimensions(3).build();
    if (!declares(provider, Capability.EMBEDDINGS)) {
      assertThat(provider.embeddings()).as("embeddings() of a provider that cannot embed")
          .isEmpty();
      assertUnsupported(Capability.EMBEDDINGS, connector -> connector.embedAll(request));
      return;
    }
    assertThat(provider.embeddings()).as("embeddings() of a provider that declares it")
        .isPresent();
    // Floats on the wire (the port may ask for base64; it must read floats too), out of order.
    server().enqueue(FakeResponse.json(200, "{\"object\":\"list\",\"data\":["
            + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.0,1.0,0.0]},"
            + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-0.25,0.125]},"
            + "{\"object\":\"embedding\",\"index\":2,\"embedding\":[0.0,0.0,-1.0]}],"
            + "\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}")
        .header(requestIdHeader(), "req_contract_embeddings"));

    EmbeddingResponse response =
        provider.embeddings().orElseThrow().embed(request, deadline());

    assertThat(response.vectors()).containsExactly(
        new float[] {0.5f, -0.25f, 0.125f}, new float[] {0, 1, 0}, new float[] {0, 0, -1});
    assertThat(response.usage().promptTokens()).isEqualTo(3);
    assertThat(response.requestId()).isEqualTo("req_contract_embeddings");
    assertThat(provider.embeddings().orElseThrow().maxInputsPerRequest()).isPositive();
    RecordedRequest sent = onlyRequest();
    Map<String, Object> body = body(sent);
    assertThat(sent.path()).contains("/embeddings");
    assertThat(body.get("input")).isEqualTo(List.of("first", "second", "third"));
    assertThat(whole(body.get("dimensions"))).as("dimensions").isEqualTo(3);
    assertModelSent(sent, body, embeddingModel());
  }

  @Test
  void embeddingsInBase64() throws Exception {
    Provider provider = provider();
    if (!declares(provider, Capability.EMBEDDINGS)) {
      return; // embeddings() checks both sides
    }
    EmbeddingRequest request = EmbeddingRequest.builder().model(embeddingModel())
        .inputs(List.of("the cat sat on the mat", "a dog in the fog")).build();

    // Unscripted: the fake server answers in the encoding the port asked for.
    EmbeddingResponse response =
        provider.embeddings().orElseThrow().embed(request, deadline());

    assertThat(response.embeddings()).hasSize(2);
    assertThat(response.vector(0)).isNotEmpty();
    assertThat(response.vector(0)).isNotEqualTo(response.vector(1));
    assertThat(response.usage().promptTokens()).isPositive();
  }

  @Test
  void imageGeneration() throws Exception {
    Provider provider = provider();
    ImageRequest request = ImageRequest.builder().model(imageModel())
        .prompt("A lighthouse at dawn").size("256x256")
        .responseFormat(ImageRequest.Format.B64_JSON).build();
    if (!declares(provider, Capability.IMAGE_GENERATION)) {
      assertThat(provider.images()).as("images() of a provider that cannot generate images")
          .isEmpty();
      assertUnsupported(Capability.IMAGE_GENERATION, connector -> connector.generateImages(request));
      return;
    }
    assertThat(provider.images()).as("images() of a provider that declares it").isPresent();

    ImageResponse response = provider.images().orElseThrow().generate(request, deadline());

    assertThat(response.images()).hasSize(1);
    GeneratedImage image = response.images().get(0);
    assertThat(image.bytes()).as("the decoded b64_json image").isPresent();
    assertThat(image.bytes().orElseThrow()).startsWith(FakePng.bytes()[0], FakePng.bytes()[1]);
    RecordedRequest sent = onlyRequest();
    Map<String, Object> body = body(sent);
    assertThat(sent.path()).contains("/images/generations");
    assertThat(body.get("prompt")).isEqualTo("A lighthouse at dawn");
    assertThat(body.get("size")).isEqualTo("256x256");
    assertThat(body.get("response_format")).isEqualTo("b64_json");
    assertModelSent(sent, body, imageModel());
  }

  /**
   * Checks that a connector over a fresh provider rejects a call needing an undeclared capability
   * before anything is sent.
   */
  private void assertUnsupported(Capability capability, ThrowingConsumer<Connector> call)
      throws Exception {
    Provider provider = createProvider(server());
    int before = server().requestCount();
    try (Connector connector = ReflectiveConnectors.forProvider(
        provider, List.of(), Thread.currentThread().getContextClassLoader())) {
      assertThatThrownBy(() -> call.accept(connector))
          .as("a call that needs the undeclared %s", capability)
          .isInstanceOf(UnsupportedCapabilityException.class);
    }
    assertThat(server().requestCount()).as("requests sent for an unsupported call")
        .isEqualTo(before);
  }

  /** A call on a connector that may throw. */
  @FunctionalInterface
  private interface ThrowingConsumer<T> {
    void accept(T value) throws Exception;
  }
}
