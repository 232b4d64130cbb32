package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.CircuitOpenException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fault the fake server can inject, met by the whole stack: core's retries, deadlines and
 * circuit breaker over the OpenAI provider and real HTTP. Each test asserts the outcome and what
 * reached the server; none may hang (each class method has a timeout).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
  private static final Duration MAX_RETRY_AFTER = Duration.ofMillis(80);

  private FakeOpenAiServer server;
  private final List<CallEvent> retries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() {
    server = FakeOpenAiServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private Connector connector(ResilienceOptions.Builder resilience) {
    return Connectors.builder()
        .provider(
            OpenAiProvider.builder()
                .apiKey("sk-test-faults")
                .baseUrl(server.baseUrl().toString())
                .build())
        .resilience(resilience.build())
        .listener(
            new CallListener() {
              @Override
              public void onRetry(CallEvent event) {
                retries.add(event);
              }
            })
        .build();
  }

  /** Quick backoffs so the suite stays fast; the waits themselves are asserted via events. */
  private static ResilienceOptions.Builder quick() {
    return ResilienceOptions.builder()
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5))
        .maxRetryAfter(MAX_RETRY_AFTER);
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello").build();
  }

  @Test
  void retriesRateLimitAfterRetryAfterMillisHeader() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
            .header("retry-after-ms", "25"));
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(retries).singleElement().satisfies(retry -> {
      assertThat(retry.retryDelay()).isEqualTo(Duration.ofMillis(25));
      assertThat(retry.failure().isRetriable()).isTrue();
    });
  }

  @Test
  void retriesRateLimitAfterRetryAfterSecondsCappedByMaximum() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
            .header("Retry-After", "7"));
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(retries).singleElement().satisfies(retry -> {
      assertThat(retry.failure().retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(retry.retryDelay()).isEqualTo(MAX_RETRY_AFTER);
    });
  }

  @Test
  void retriesRateLimitAfterRetryAfterHttpDate() {
    String inTenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
    server.enqueue(
        FakeResponse.error(429, "tokens", "rate_limit_exceeded", "Slow down")
            .header("Retry-After", inTenSeconds));
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(retries).singleElement().satisfies(retry -> {
      assertThat(retry.failure().retryAfter()).hasValueSatisfying(
          wait -> assertThat(wait).isGreaterThan(Duration.ofSeconds(5)));
      assertThat(retry.retryDelay()).isEqualTo(MAX_RETRY_AFTER);
    });
  }

  @Test
  void doesNotRetryExhaustedQuota() {
    server.enqueue(
        FakeResponse.error(429, "insufficient_quota", "insufficient_quota", "Check your plan"));
    try (Connector ai = connector(quick())) {
      QuotaExceededException e =
          catchThrowableOfType(QuotaExceededException.class, () -> ai.chat(hello()));
      assertThat(e.status()).hasValue(429);
      assertThat(e.isRetriable()).isFalse();
    }
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(retries).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void retriesServerErrorsThenSucceeds(int status) {
    server.enqueue(FakeResponse.error(status, "server_error", null, "Try again"));
    server.enqueue(FakeResponse.error(status, "server_error", null, "Try again"));
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(retries).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void givesUpOnServerErrorsAfterTheRetries(int status) {
    for (int i = 0; i < 3; i++) {
      server.enqueue(FakeResponse.error(status, "server_error", null, "Down"));
    }
    try (Connector ai = connector(quick().maxRetries(2))) {
      ServerException e = catchThrowableOfType(ServerException.class, () -> ai.chat(hello()));
      assertThat(e.status()).hasValue(status);
      assertThat(e.getSuppressed()).hasSize(2);
    }
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void retriesAResetConnection() {
    server.enqueue(FakeResponse.resetConnection());
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(retries).singleElement()
        .satisfies(retry -> assertThat(retry.failure()).isInstanceOf(ConnectionException.class));
  }

  @Test
  void timesOutWhenTheHeadersNeverCome() {
    server.enqueue(FakeResponse.noHeaders());
    try (Connector ai = connector(quick().maxRetries(0).attemptTimeout(Duration.ofMillis(300)))) {
      RequestTimeoutException e =
          catchThrowableOfType(RequestTimeoutException.class, () -> ai.chat(hello()));
      assertThat(e.isRetriable()).isTrue();
    }
  }

  @Test
  void retriesAfterHeadersThatNeverCameAndThenSucceeds() {
    server.enqueue(FakeResponse.noHeaders());
    try (Connector ai = connector(quick().attemptTimeout(Duration.ofMillis(300)))) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(retries)
        .singleElement()
        .satisfies(
            retry -> assertThat(retry.failure()).isInstanceOf(RequestTimeoutException.class));
  }

  @Test
  void timesOutWhenTheBodyStopsHalfWay() {
    server.enqueue(FakeResponse.chatCompletion("A long answer that stalls").bodyStallAfter(20));
    try (Connector ai = connector(quick().maxRetries(0).attemptTimeout(Duration.ofMillis(300)))) {
      assertThat(catchThrowableOfType(RequestTimeoutException.class, () -> ai.chat(hello())))
          .isNotNull();
    }
  }

  @Test
  void retriesABodyCutHalfWay() {
    server.enqueue(FakeResponse.chatCompletion("A long answer that is cut").bodyCutAfter(20));
    try (Connector ai = connector(quick())) {
      assertThat(ai.chat(hello()).content()).isEqualTo("Echo: Hello");
    }
    assertThat(retries).singleElement()
        .satisfies(retry -> assertThat(retry.failure()).isInstanceOf(ConnectionException.class));
  }

  @Test
  void doesNotRetryTruncatedJson() {
    server.enqueue(FakeResponse.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.comp"));
    try (Connector ai = connector(quick())) {
      UnexpectedResponseException e =
          catchThrowableOfType(UnexpectedResponseException.class, () -> ai.chat(hello()));
      assertThat(e.getMessage()).doesNotContain("chat.comp");
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void retriesAnHtmlErrorPageFromAProxy() {
    server.enqueue(
        FakeResponse.body(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head>"
                + "<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"));
    server.enqueue(FakeResponse.body(502, "text/html", "<html><body>Bad Gateway</body></html>"));
    try (Connector ai = connector(quick().maxRetries(1))) {
      ServerException e = catchThrowableOfType(ServerException.class, () -> ai.chat(hello()));
      assertThat(e.getMessage()).contains("Bad Gateway").doesNotContain("<html>");
      assertThat(e.getSuppressed()).singleElement().satisfies(
          first -> assertThat(first.getMessage()).contains("502 Bad Gateway"));
    }
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void ignoresUnknownFields() {
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"id\":\"chatcmpl-u\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"gpt-4o-mini\",\"brand_new_field\":{\"nested\":[1,2]},"
                + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"future\":true,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"Fine\",\"extra\":1}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4,"
                + "\"new_detail\":7}}"));
    try (Connector ai = connector(quick())) {
      ChatResponse response = ai.chat(hello());
      assertThat(response.content()).isEqualTo("Fine");
      assertThat(response.usage().totalTokens()).isEqualTo(4);
    }
  }

  @Test
  void failsFastOnceTheCircuitIsOpen() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(FakeResponse.error(500, "server_error", null, "Down"));
    }
    ResilienceOptions.Builder breaker =
        quick()
            .maxRetries(0)
            .slidingWindowSize(4)
            .minimumNumberOfCalls(4)
            .failureRateThreshold(50)
            .circuitOpenDuration(Duration.ofMinutes(1));
    try (Connector ai = connector(breaker)) {
      for (int i = 0; i < 4; i++) {
        catchThrowableOfType(ServerException.class, () -> ai.chat(hello()));
      }
      CircuitOpenException open =
          catchThrowableOfType(CircuitOpenException.class, () -> ai.chat(hello()));
      assertThat(open.isRetriable()).isTrue();
      assertThat(open.getMessage()).contains("CHAT");
    }
    assertThat(server.requestCount()).isEqualTo(4);
  }
}
