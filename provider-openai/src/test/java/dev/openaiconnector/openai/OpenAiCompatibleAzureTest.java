package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.StreamChunks.readAll;
import static dev.openaiconnector.openai.StreamChunks.text;
import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ContentFilterResult;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The building block configured the way the Azure provider configures it (deployments layout,
 * {@code api-key}, Azure's request id and region headers), against the fake server in Azure mode.
 */
class OpenAiCompatibleAzureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_VERSION = "2024-10-21";
  private static final String REGION = "Sweden Central";

  private FakeOpenAiServer server;
  private OpenAiCompatible provider;

  /** The deployments layout, as the Azure provider builds it: the model names the deployment. */
  static Endpoints deployments(URI endpoint, String apiVersion) {
    Map<String, URI> cache = new ConcurrentHashMap<>();
    return new Endpoints() {
      @Override
      public URI uri(Operation operation, String model) {
        String path =
            operation == Operation.EMBEDDINGS
                ? "embeddings"
                : operation == Operation.IMAGES ? "images/generations" : "chat/completions";
        return cache.computeIfAbsent(
            path + "|" + model,
            key ->
                URI.create(
                    endpoint
                        + "/openai/deployments/"
                        + model
                        + "/"
                        + path
                        + "?api-version="
                        + apiVersion));
      }

      @Override
      public @Nullable String bodyModel(Operation operation, String model) {
        return null;
      }
    };
  }

  @BeforeEach
  void start() {
    server =
        FakeOpenAiServer.builder()
            .azureApiKey("k")
            .azureDeployment("dep", "gpt-4o-mini")
            .azureDeployment("emb", "text-embedding-3-small")
            .azureDeployment("img", "dall-e-3")
            .azureRegion(REGION)
            .start();
    provider = azure(Authentication.header("api-key", "", Secret.of("k")));
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheAzureSpec() {
    for (RecordedRequest request : server.requests()) {
      assertThat(request.queryParameter("api-version")).hasValue(API_VERSION);
      if (request.path().contains("/chat/completions")) {
        OpenApiSpec.azure().assertValid("createChatCompletionRequest", request.body());
      } else if (request.path().contains("/images/generations")) {
        OpenApiSpec.azure().assertValid("imageGenerationsRequest", request.body());
      }
    }
  }

  private OpenAiCompatible azure(Authentication authentication) {
    return OpenAiCompatible.builder()
        .providerId("azure")
        .providerName("Azure OpenAI")
        .baseUrl(server.azureEndpoint())
        .endpoints(deployments(server.azureEndpoint(), API_VERSION))
        .authentication(authentication)
        .requestIdHeaders(List.of("apim-request-id", "x-request-id"))
        .regionHeader("x-ms-region")
        .build();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("dep").user("Hello there").build();
  }

  /** The request id the fake server gives its n-th request in Azure mode. */
  private static String azureRequestId(int n) {
    return String.format("%08x-0000-4000-8000-%012x", n, n);
  }

  private static JsonNode body(RecordedRequest request) throws Exception {
    return JSON.readTree(request.body());
  }

  @Test
  void chatGoesToTheDeploymentWithApiKeyAndWithoutModelInTheBody() throws Exception {
    ChatResponse response = provider.chat().complete(hello(), soon());

    assertThat(response.content()).isEqualTo("Echo: Hello there");
    assertThat(response.model()).isEqualTo("gpt-4o-mini");
    assertThat(response.requestId()).hasValue(azureRequestId(1));
    RecordedRequest request = server.takeRequest();
    assertThat(request.path())
        .isEqualTo("/openai/deployments/dep/chat/completions?api-version=" + API_VERSION);
    assertThat(request.header("api-key")).hasValue("k");
    assertThat(request.header("Authorization")).isEmpty();
    assertThat(request.header("User-Agent").orElseThrow()).startsWith("openai-connector-java/");
    assertThat(body(request).has("model")).isFalse();
  }

  @Test
  void chatAnswerCarriesTheContentFilterVerdicts() {
    ChatResponse response = provider.chat().complete(hello(), soon());

    ContentFilterReport report = response.contentFilter();
    assertThat(report.filtered()).isFalse();
    assertThat(report.prompt())
        .extracting(ContentFilterResult::category)
        .containsExactly("hate", "jailbreak", "self_harm", "sexual", "violence");
    assertThat(report.prompt())
        .contains(
            new ContentFilterResult("hate", false, "safe", null),
            new ContentFilterResult("jailbreak", false, null, false));
    assertThat(report.completion())
        .extracting(ContentFilterResult::category)
        .containsExactly(
            "hate",
            "protected_material_code",
            "protected_material_text",
            "self_harm",
            "sexual",
            "violence");
  }

  @Test
  void answerCutByTheFilterIsANormalAnswerWithItsVerdicts() {
    server.enqueue(FakeResponse.azureContentFilteredCompletion("violence", "high"));

    ChatResponse response = provider.chat().complete(hello(), soon());

    assertThat(response.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(response.contentFilter().filtered()).isTrue();
    assertThat(response.contentFilter().completion())
        .contains(new ContentFilterResult("violence", true, "high", null));
    assertThat(response.contentFilter().prompt()).noneMatch(ContentFilterResult::filtered);
  }

  @Test
  void streamReadsAzuresFirstChunkAndCollectsTheVerdicts() throws Exception {
    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("Echo: Hello there");
      assertThat(source.requestId()).isEqualTo(azureRequestId(1));
      assertThat(source.model()).isEqualTo("gpt-4o-mini");
      assertThat(source.completionId()).isNotEmpty();
      ContentFilterReport report = source.contentFilter();
      assertThat(report.filtered()).isFalse();
      assertThat(report.prompt()).extracting(ContentFilterResult::category).contains("jailbreak");
      assertThat(report.completion())
          .extracting(ContentFilterResult::category)
          .contains("hate", "protected_material_text");
    }
    RecordedRequest request = server.takeRequest();
    assertThat(request.path())
        .isEqualTo("/openai/deployments/dep/chat/completions?api-version=" + API_VERSION);
    assertThat(body(request).has("model")).isFalse();
    assertThat(body(request).get("stream").asBoolean()).isTrue();
  }

  @Test
  void streamStoppedByTheFilterEndsWithItsVerdict() {
    server.enqueue(FakeResponse.azureContentFilteredStream("Once upon a time", "sexual", "medium"));

    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("Once upon a time");
      assertThat(deltas)
          .extracting(ChatDelta::finishReason)
          .contains(FinishReason.CONTENT_FILTER);
      assertThat(source.contentFilter().filtered()).isTrue();
      assertThat(source.contentFilter().completion())
          .contains(new ContentFilterResult("sexual", true, "medium", null));
    }
  }

  @Test
  void promptRefusedByTheFilterIsAContentFilterExceptionWithTheVerdicts() {
    server.enqueue(FakeResponse.azureContentFilterError("hate", "high"));

    assertThatThrownBy(() -> provider.chat().complete(hello(), soon()))
        .isInstanceOfSatisfying(
            ContentFilterException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("content_filter");
              assertThat(e.status()).hasValue(400);
              assertThat(e.providerId()).hasValue("azure");
              assertThat(e.requestId()).hasValue(azureRequestId(1));
              assertThat(e.getMessage())
                  .startsWith("Azure OpenAI rejected the request: The response was filtered")
                  .contains("(region " + REGION + ")");
              assertThat(e.report().filtered()).isTrue();
              assertThat(e.report().prompt())
                  .contains(
                      new ContentFilterResult("hate", true, "high", null),
                      new ContentFilterResult("jailbreak", false, null, false));
              assertThat(e.report().completionByChoice()).isEmpty();
            });
  }

  @Test
  void refusalAsTheSpecDescribesItIsReadToo() {
    // The API description's names: inner_error, content_filter_results; the code only inside.
    server.enqueue(
        FakeResponse.json(
            400,
            "{\"error\":{\"code\":\"BadRequest\",\"message\":\"filtered\",\"inner_error\":{"
                + "\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_results\":{"
                + "\"violence\":{\"filtered\":true,\"severity\":\"medium\"},"
                + "\"custom_blocklists\":{\"filtered\":false,\"details\":[]},"
                + "\"error\":{\"code\":\"x\",\"message\":\"y\"},\"note\":\"n\"}}}}"));

    assertThatThrownBy(() -> provider.chat().complete(hello(), soon()))
        .isInstanceOfSatisfying(
            ContentFilterException.class,
            e ->
                assertThat(e.report().prompt())
                    .containsExactly(
                        new ContentFilterResult("violence", true, "medium", null),
                        new ContentFilterResult("custom_blocklists", false, null, null)));
  }

  @Test
  void rateLimitReadsAzuresCodeAndWaitAndNamesTheRegion() {
    server.enqueue(FakeResponse.azureRateLimited(Duration.ofMillis(1500)));

    assertThatThrownBy(() -> provider.chat().complete(hello(), soon()))
        .isInstanceOfSatisfying(
            RateLimitException.class,
            e -> {
              assertThat(e.errorCode()).hasValue("429");
              assertThat(e.retryAfter()).hasValue(Duration.ofMillis(1500));
              assertThat(e.getMessage()).contains("(region " + REGION + ")");
            });
  }

  @Test
  void errorInsideAStreamNamesTheRegionToo() {
    server.enqueue(
        FakeResponse.eventStream(
            List.of("{\"error\":{\"code\":\"429\",\"message\":\"Too many tokens\"}}")));

    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
      assertThatThrownBy(() -> readAll(source))
          .isInstanceOf(RateLimitException.class)
          .hasMessageContaining("Too many tokens (region " + REGION + ")");
    }
  }

  @Test
  void requestIdComesFromTheFirstConfiguredHeaderPresent() {
    server.enqueue(FakeResponse.chatCompletion("hi").header("x-request-id", "not-this-one"));
    assertThat(provider.chat().complete(hello(), soon()).requestId())
        .hasValue(azureRequestId(1));

    server.enqueue(
        FakeResponse.azureError(404, "DeploymentNotFound", "no such deployment")
            .header("apim-request-id", "apim-2"));
    assertThatThrownBy(() -> provider.chat().complete(hello(), soon()))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> assertThat(e.requestId()).hasValue("apim-2"));
  }

  @Test
  void embeddingsGoToTheDeployment() throws Exception {
    EmbeddingResponse response =
        provider
            .embeddings()
            .orElseThrow()
            .embed(EmbeddingRequest.builder().model("emb").inputs(List.of("a", "b")).build(), soon());

    assertThat(response.embeddings()).hasSize(2);
    assertThat(response.embeddings().get(0).vector()).isNotEmpty();
    assertThat(response.requestId()).isEqualTo(azureRequestId(1));
    RecordedRequest request = server.takeRequest();
    assertThat(request.path())
        .isEqualTo("/openai/deployments/emb/embeddings?api-version=" + API_VERSION);
    assertThat(body(request).has("model")).isFalse();
  }

  @Test
  void imagesGoToTheDeployment() throws Exception {
    ImageResponse response =
        provider
            .images()
            .orElseThrow()
            .generate(ImageRequest.builder().model("img").prompt("a cat").build(), soon());

    assertThat(response.images()).hasSize(1);
    RecordedRequest request = server.takeRequest();
    assertThat(request.path())
        .isEqualTo("/openai/deployments/img/images/generations?api-version=" + API_VERSION);
    assertThat(body(request).has("model")).isFalse();
  }

  @Test
  void sendsTheUrlExactlyAsEndpointsGaveIt() {
    server.close();
    server = FakeOpenAiServer.builder().azureApiKey("k").start();
    String path =
        "/openai/deployments/my%20dep%7Bx%7D/chat/completions?api-version=" + API_VERSION
            + "&note=a%2Fb%26c";
    URI url = URI.create(server.azureEndpoint() + path);
    provider.close();
    provider =
        OpenAiCompatible.builder()
            .providerId("azure")
            .baseUrl(server.azureEndpoint())
            .endpoints(
                new Endpoints() {
                  @Override
                  public URI uri(Operation operation, String model) {
                    return url;
                  }

                  @Override
                  public @Nullable String bodyModel(Operation operation, String model) {
                    return model;
                  }
                })
            .authentication(Authentication.header("api-key", "", Secret.of("k")))
            .build();

    provider.chat().complete(hello(), soon());

    assertThat(server.takeRequest().path()).isEqualTo(path);
  }

  /** Hands out a token; on a 401, switches to the next one and says so, counting. */
  private static class RotatingToken implements Authentication {
    private final List<String> tokens;
    private final boolean refreshes;
    private final AtomicInteger current = new AtomicInteger();
    final AtomicInteger refreshCalls = new AtomicInteger();

    RotatingToken(boolean refreshes, String... tokens) {
      this.refreshes = refreshes;
      this.tokens = List.of(tokens);
    }

    @Override
    public void addHeaders(BiConsumer<String, String> header) {
      header.accept("Authorization", "Bearer " + tokens.get(current.get()));
    }

    @Override
    public boolean refreshAfterUnauthorized() {
      refreshCalls.incrementAndGet();
      current.updateAndGet(i -> Math.min(i + 1, tokens.size() - 1));
      return refreshes;
    }
  }

  private OpenAiCompatible withTokens(RotatingToken tokens) {
    server.close();
    server =
        FakeOpenAiServer.builder()
            .azureBearerToken("fresh")
            .azureDeployment("dep", "gpt-4o-mini")
            .azureDeployment("emb", "text-embedding-3-small")
            .azureDeployment("img", "dall-e-3")
            .start();
    provider.close();
    provider = azure(tokens);
    return provider;
  }

  @Test
  void unauthorizedCallIsSentOnceMoreWithFreshCredentials() {
    RotatingToken tokens = new RotatingToken(true, "expired", "fresh");
    OpenAiCompatible azure = withTokens(tokens);

    assertThat(azure.chat().complete(hello(), soon()).content()).isEqualTo("Echo: Hello there");

    assertThat(tokens.refreshCalls).hasValue(1);
    assertThat(server.requests())
        .extracting(r -> r.header("Authorization").orElseThrow())
        .containsExactly("Bearer expired", "Bearer fresh");
  }

  @Test
  void everyOperationRefreshesOnceAfterUnauthorized() {
    RotatingToken streamTokens = new RotatingToken(true, "expired", "fresh");
    OpenAiCompatible azure = withTokens(streamTokens);
    try (ChatEventSource source = azure.chatStream().orElseThrow().open(hello(), soon())) {
      assertThat(text(readAll(source))).isEqualTo("Echo: Hello there");
    }
    assertThat(streamTokens.refreshCalls).hasValue(1);

    RotatingToken embeddingTokens = new RotatingToken(true, "expired", "fresh");
    azure = withTokens(embeddingTokens);
    assertThat(
            azure
                .embeddings()
                .orElseThrow()
                .embed(EmbeddingRequest.builder().model("emb").input("x").build(), soon())
                .embeddings())
        .hasSize(1);
    assertThat(embeddingTokens.refreshCalls).hasValue(1);

    RotatingToken imageTokens = new RotatingToken(true, "expired", "fresh");
    azure = withTokens(imageTokens);
    assertThat(
            azure
                .images()
                .orElseThrow()
                .generate(ImageRequest.builder().model("img").prompt("a cat").build(), soon())
                .images())
        .hasSize(1);
    assertThat(imageTokens.refreshCalls).hasValue(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void secondUnauthorizedIsTheCallersAuthenticationFailure() {
    RotatingToken tokens = new RotatingToken(true, "expired", "also-expired");
    OpenAiCompatible azure = withTokens(tokens);

    assertThatThrownBy(() -> azure.chat().complete(hello(), soon()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Azure OpenAI rejected the request");
    assertThat(tokens.refreshCalls).hasValue(1);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void unauthorizedWithoutFreshCredentialsIsNotSentAgain() {
    RotatingToken tokens = new RotatingToken(false, "expired");
    OpenAiCompatible azure = withTokens(tokens);

    assertThatThrownBy(() -> azure.chatStream().orElseThrow().open(hello(), soon()))
        .isInstanceOf(AuthenticationException.class);
    assertThat(tokens.refreshCalls).hasValue(1);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void failureToObtainCredentialsReachesTheCallerAsItIs() {
    AuthenticationException refused =
        new AuthenticationException(
            "The token server refused the client", ErrorDetails.ofProvider("azure"), null);
    OpenAiCompatible azure =
        withTokens(
            new RotatingToken(true, "unused") {
              @Override
              public void addHeaders(BiConsumer<String, String> header) {
                throw refused;
              }
            });

    assertThatThrownBy(() -> azure.chat().complete(hello(), soon())).isSameAs(refused);
    assertThat(server.requestCount()).isZero();
  }
}
