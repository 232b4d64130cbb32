package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider over real HTTP against the testkit's fake server in Azure mode. */
class AzureOpenAiHttpTest {
  private static final ChatRequest CHAT =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello").build();

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

  @Test
  void deploymentsLayoutSendsTheApiKeyAndLeavesTheModelOut() {
    server =
        FakeOpenAiServer.builder()
            .azureApiKey("azure-key")
            .azureDeployment("chat-prod", "gpt-4o-mini")
            .azureDeployment("emb", "text-embedding-3-small")
            .start();
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .deployment("gpt-4o-mini", "chat-prod")
            .deployment("text-embedding-3-small", "emb")
            .apiKey("azure-key")
            .build()) {
      ChatResponse response = provider.chat().complete(CHAT, deadline());
      assertThat(response.content()).isNotBlank();
      provider
          .embeddings()
          .orElseThrow()
          .embed(
              EmbeddingRequest.builder().model("text-embedding-3-small").input("hello").build(),
              deadline());
    }

    RecordedRequest chat = server.takeRequest();
    assertThat(chat.path())
        .isEqualTo("/openai/deployments/chat-prod/chat/completions?api-version=2024-10-21");
    assertThat(chat.header("api-key")).hasValue("azure-key");
    assertThat(chat.header("Authorization")).isEmpty();
    assertThat(chat.body()).doesNotContain("\"model\"");
    OpenApiSpec.azure().assertValid("createChatCompletionRequest", chat.body());
    RecordedRequest embeddings = server.takeRequest();
    assertThat(embeddings.path())
        .isEqualTo("/openai/deployments/emb/embeddings?api-version=2024-10-21");
  }

  @Test
  void v1LayoutSendsTheDeploymentAsTheModelWithoutAVersion() {
    server =
        FakeOpenAiServer.builder()
            .azureApiKey("azure-key")
            .azureDeployment("chat-prod", "gpt-4o-mini")
            .start();
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureV1BaseUrl())
            .deployment("gpt-4o-mini", "chat-prod")
            .apiKey("azure-key")
            .build()) {
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.V1);
      provider.chat().complete(CHAT, deadline());
    }

    RecordedRequest chat = server.takeRequest();
    assertThat(chat.path()).isEqualTo("/openai/v1/chat/completions");
    assertThat(chat.queryParameter("api-version")).isEmpty();
    assertThat(chat.body()).contains("\"model\":\"chat-prod\"");
  }

  @Test
  void unmappedModelThatCannotNameADeploymentFailsBeforeAnyRequest() {
    server = FakeOpenAiServer.builder().azureApiKey("azure-key").start();
    for (URI endpoint : new URI[] {server.azureEndpoint(), server.azureV1BaseUrl()}) {
      try (AzureOpenAiProvider provider =
          AzureOpenAiProvider.builder().endpoint(endpoint).apiKey("azure-key").build()) {
        for (String model : new String[] {"../../admin", "gpt 4o", "a?b=c", ".."}) {
          ChatRequest request = ChatRequest.builder().model(model).user("hi").build();
          assertThatThrownBy(() -> provider.chat().complete(request, deadline()))
              .isInstanceOf(RequestValidationException.class)
              .hasMessageContaining("model '" + model + "'")
              .hasMessageContaining("letters, digits, '.', '_' and '-'");
          assertThatThrownBy(
                  () -> provider.chatStream().orElseThrow().open(request, deadline()).close())
              .isInstanceOf(RequestValidationException.class);
          assertThatThrownBy(
                  () ->
                      provider
                          .embeddings()
                          .orElseThrow()
                          .embed(
                              EmbeddingRequest.builder().model(model).input("x").build(),
                              deadline()))
              .isInstanceOf(RequestValidationException.class);
        }
      }
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void streamGoesToTheDeploymentsChatPath() {
    server = FakeOpenAiServer.builder().azureApiKey("azure-key").start();
    StringBuilder text = new StringBuilder();
    try (AzureOpenAiProvider provider =
            AzureOpenAiProvider.builder()
                .endpoint(server.azureEndpoint())
                .deployment("gpt-4o-mini", "chat-prod")
                .apiKey("azure-key")
                .build();
        ChatEventSource stream = provider.chatStream().orElseThrow().open(CHAT, deadline())) {
      for (ChatDelta delta = stream.next(); delta != null; delta = stream.next()) {
        text.append(delta.content() == null ? "" : delta.content());
      }
    }

    assertThat(text).isNotEmpty();
    RecordedRequest request = server.takeRequest();
    assertThat(request.path())
        .isEqualTo("/openai/deployments/chat-prod/chat/completions?api-version=2024-10-21");
    assertThat(request.body()).contains("\"stream\":true").doesNotContain("\"model\"");
  }

  @Test
  void contentFilterRefusalCarriesTheVerdicts() {
    server = FakeOpenAiServer.builder().azureApiKey("azure-key").start();
    server.enqueue(FakeResponse.azureContentFilterError("violence", "high"));
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .apiKey("azure-key")
            .build()) {
      assertThatThrownBy(() -> provider.chat().complete(CHAT, deadline()))
          .isInstanceOfSatisfying(
              ContentFilterException.class,
              e -> {
                assertThat(e.providerId()).hasValue("azure");
                assertThat(e.report().filtered()).isTrue();
              });
    }
  }

  @Test
  void rateLimitCarriesAzuresWaitAndRequestId() {
    server = FakeOpenAiServer.builder().azureApiKey("azure-key").start();
    server.enqueue(FakeResponse.azureRateLimited(Duration.ofMillis(2500)));
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .apiKey("azure-key")
            .build()) {
      assertThatThrownBy(() -> provider.chat().complete(CHAT, deadline()))
          .isInstanceOfSatisfying(
              RateLimitException.class,
              e -> {
                assertThat(e.retryAfter()).hasValue(Duration.ofMillis(2500));
                assertThat(e.requestId()).isPresent();
              });
    }
  }

  @Test
  void unauthorizedRefreshesTheTokenOnceAndSendsOnceMore() {
    MutableClock clock = new MutableClock(Instant.now());
    AtomicReference<String> accepted = new AtomicReference<>("token-1");
    AtomicInteger fetched = new AtomicInteger();
    server = FakeOpenAiServer.builder().acceptBearerTokens(t -> t.equals(accepted.get())).start();
    EntraCredential credential =
        EntraCredential.tokenSupplier(
                () ->
                    AccessToken.of(
                        "token-" + fetched.incrementAndGet(),
                        clock.instant().plus(Duration.ofHours(1))))
            .clock(clock);
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .credential(credential)
            .build()) {
      provider.chat().complete(CHAT, deadline());
      assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer token-1");

      // A token refused within a minute of its fetch is kept (a missing role, not a stale token).
      clock.advance(Duration.ofMinutes(2));
      accepted.set("token-2"); // the server revokes token-1 before it expires
      provider.chat().complete(CHAT, deadline());
      assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer token-1");
      assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer token-2");
      assertThat(fetched).hasValue(2);

      clock.advance(Duration.ofMinutes(2));
      accepted.set("nothing");
      assertThatThrownBy(() -> provider.chat().complete(CHAT, deadline()))
          .isInstanceOf(AuthenticationException.class);
      // One refresh, one resend, and no loop.
      assertThat(fetched).hasValue(3);
      assertThat(server.requestCount()).isEqualTo(5);
    }
  }

  @Test
  void tokenIsRefreshedBeforeItExpires() {
    MutableClock clock = new MutableClock(Instant.now());
    AtomicInteger fetched = new AtomicInteger();
    AtomicReference<String> newest = new AtomicReference<>();
    server = FakeOpenAiServer.builder().acceptBearerTokens(t -> t.equals(newest.get())).start();
    EntraCredential credential =
        EntraCredential.tokenSupplier(
                () -> {
                  String token = "token-" + fetched.incrementAndGet();
                  newest.set(token);
                  return AccessToken.of(token, clock.instant().plus(Duration.ofHours(1)));
                })
            .clock(clock);
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint(server.azureEndpoint())
            .credential(credential)
            .build()) {
      provider.chat().complete(CHAT, deadline());
      clock.advance(Duration.ofMinutes(56));
      provider.chat().complete(CHAT, deadline());
    }

    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer token-1");
    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer token-2");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void aTokenServerThatHangsEndsTheChatCallByItsDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean tokenAnswered = new AtomicBoolean();
    server = FakeOpenAiServer.builder().azureBearerToken("held-token").start();
    try (TokenHttpServer entra = new TokenHttpServer()) {
      entra.answer(
          request -> {
            try {
              // Held until the test ends, or ten seconds: far past the call's deadline.
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            tokenAnswered.set(true);
            return new TokenHttpServer.Answer(
                200, TokenHttpServer.token("held-token", 3600), Map.of());
          });
      EntraCredential credential =
          EntraCredential.clientSecret("tenant-1", "client-1", Secret.of("client-secret"))
              .authorityHost(entra.uri("/"));
      try (AzureOpenAiProvider provider =
          AzureOpenAiProvider.builder()
              .endpoint(server.azureEndpoint())
              .credential(credential)
              .build()) {
        long start = System.nanoTime();
        assertThatThrownBy(
                () -> provider.chat().complete(CHAT, Deadline.after(Duration.ofMillis(1500))))
            .isInstanceOf(RequestTimeoutException.class)
            .hasMessageContaining("access token")
            .hasMessageNotContaining("client-secret");
        // Generous: the token server holds its answer for ten seconds.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(tokenAnswered).isFalse();
        assertThat(server.requestCount()).isZero();
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void plainHttpToARemoteHostIsRefusedWithTheOtherProblems() {
    assertThatThrownBy(
            () ->
                AzureOpenAiProvider.builder()
                    .endpoint("http://my-resource.openai.azure.com")
                    .apiKey("key")
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("plain http");
  }

  @Test
  void clientSecretTokenFromEntraIdIsSentAsBearer() throws Exception {
    MockOAuth2Server entra = new MockOAuth2Server();
    entra.start(InetAddress.getByName("127.0.0.1"), 0);
    try {
      server = FakeOpenAiServer.builder().acceptBearerTokens(t -> t.split("\\.").length == 3).start();
      EntraCredential credential =
          EntraCredential.clientSecret("tenant-1", "client-1", Secret.of("client-secret"))
              .authorityHost(URI.create(entra.baseUrl().toString()));
      try (AzureOpenAiProvider provider =
          AzureOpenAiProvider.builder()
              .endpoint(server.azureEndpoint())
              .credential(credential)
              .build()) {
        provider.chat().complete(CHAT, deadline());
        provider.chat().complete(CHAT, deadline());
      }
      assertThat(entra.takeRequest(10, TimeUnit.SECONDS)).isNotNull();
      String token = credential.token().token().reveal();
      assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer " + token);
      assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer " + token);
      // Both calls and the check above used the one cached token: a second token request would
      // have brought another (each token has its own jti).
    } finally {
      entra.shutdown();
    }
  }
}
