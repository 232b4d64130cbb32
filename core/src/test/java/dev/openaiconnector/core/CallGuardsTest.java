package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.CircuitOpenException;
import dev.openaiconnector.api.ClientRateLimitException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.core.testing.InstrumentedProvider;
import dev.openaiconnector.core.testing.RecordingSleeper;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallGuardsTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello").build();
  private static final ChatRequest ONCE = HELLO.toBuilder().maxRetries(0).build();

  private final FakeProvider fake = FakeProvider.create();
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @Test
  void opensTheCircuitAfterFailuresAndThenFailsWithoutCallingTheProvider() {
    fake.chat().answerWith(request -> { throw down(); });
    ResilienceOptions options =
        ResilienceOptions.builder().slidingWindowSize(4).minimumNumberOfCalls(4).build();

    try (Connector connector = connector(fake, options)) {
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      }
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(CircuitOpenException.class)
          .hasMessageContaining("provider 'fake'")
          .hasMessageContaining("CHAT")
          .hasMessageContaining("circuitOpenDuration");
    }
    assertThat(fake.chat().requests()).hasSize(4);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void countsEachAttemptOfARetriedCall() {
    fake.chat().answerWith(request -> { throw down(); });
    ResilienceOptions options =
        ResilienceOptions.builder().slidingWindowSize(3).minimumNumberOfCalls(3).build();

    try (Connector connector = connector(fake, options)) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(ServerException.class)
          .satisfies(thrown -> assertThat(thrown.getSuppressed()).hasSize(2));
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(CircuitOpenException.class);
    }
    assertThat(fake.chat().requests()).hasSize(3);
  }

  @Test
  void failuresThatSayNothingAboutTheProvidersHealthLeaveTheCircuitClosed() {
    fake.chat()
        .answerWith(
            request -> {
              throw new InvalidRequestException("bad", ErrorDetails.ofProvider("fake"), null);
            });
    ResilienceOptions options =
        ResilienceOptions.builder().slidingWindowSize(2).minimumNumberOfCalls(2).build();

    try (Connector connector = connector(fake, options)) {
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> connector.chat(HELLO))
            .isInstanceOf(InvalidRequestException.class);
      }
    }
    assertThat(fake.chat().requests()).hasSize(5);
  }

  @Test
  void aSwitchedOffCircuitBreakerNeverOpens() {
    fake.chat().answerWith(request -> { throw down(); });
    ResilienceOptions options =
        ResilienceOptions.builder()
            .circuitBreakerEnabled(false)
            .slidingWindowSize(2)
            .minimumNumberOfCalls(2)
            .build();

    try (Connector connector = connector(fake, options)) {
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      }
    }
    assertThat(fake.chat().requests()).hasSize(5);
  }

  @Test
  void eachOperationHasItsOwnCircuit() {
    fake.chat().answerWith(request -> { throw down(); });
    fake.streams().enqueueText("Hello", 4);
    ResilienceOptions options =
        ResilienceOptions.builder().slidingWindowSize(2).minimumNumberOfCalls(2).build();

    try (Connector connector = connector(fake, options)) {
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(CircuitOpenException.class);
      try (ChatStream stream = connector.stream(HELLO)) {
        assertThat(stream.response().content()).isEqualTo("Hello");
      }
    }
  }

  @Test
  void aHalfOpenCircuitClosesAgainWhenTheTrialCallSucceeds() throws InterruptedException {
    fake.chat()
        .enqueueFailure(down())
        .enqueueFailure(down())
        .answerWith(request -> FakeChatPort.textAnswer(request, "back"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .slidingWindowSize(2)
            .minimumNumberOfCalls(2)
            .circuitOpenDuration(Duration.ofMillis(20))
            .permittedCallsInHalfOpenState(1)
            .build();

    try (Connector connector = connector(fake, options)) {
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(ServerException.class);
      assertThatThrownBy(() -> connector.chat(ONCE)).isInstanceOf(CircuitOpenException.class);
      ChatResponse answer = null;
      for (int polls = 0; answer == null && polls < 1000; polls++) {
        try {
          answer = connector.chat(ONCE);
        } catch (CircuitOpenException stillOpen) {
          Thread.sleep(5);
        }
      }
      assertThat(answer).isNotNull();
      assertThat(connector.chat(ONCE).content()).isEqualTo("back");
    }
  }

  @Test
  void refusesACallWhenEveryPlaceIsTakenAndNoneFreesInTime() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    InstrumentedProvider provider = new InstrumentedProvider(fake).holdChatCallsUntil(gate);
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder().maxConcurrentCalls(1).maxBulkheadWait(Duration.ZERO).build();
    ExecutorService other = Executors.newSingleThreadExecutor();

    try (Connector connector = connector(provider, options)) {
      Future<ChatResponse> held = other.submit(() -> connector.chat(HELLO));
      provider.awaitChatCall();

      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(BulkheadFullException.class)
          .hasMessageContaining("maxConcurrentCalls");

      gate.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello");
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hello");
    } finally {
      gate.countDown();
      other.shutdownNow();
    }
    assertThat(fake.chat().requests()).hasSize(2);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void aWaitingCallTakesThePlaceOnceItFrees() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    InstrumentedProvider provider = new InstrumentedProvider(fake).holdChatCallsUntil(gate);
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .maxConcurrentCalls(1)
            .maxBulkheadWait(Duration.ofSeconds(30))
            .build();
    ExecutorService others = Executors.newFixedThreadPool(2);

    try (Connector connector = connector(provider, options)) {
      Future<ChatResponse> first = others.submit(() -> connector.chat(HELLO));
      provider.awaitChatCall();
      Future<ChatResponse> second = others.submit(() -> connector.chat(HELLO));

      gate.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello");
      assertThat(second.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello");
    } finally {
      gate.countDown();
      others.shutdownNow();
    }
  }

  @Test
  void aStreamHoldsItsPlaceUntilItIsClosed() {
    fake.streams().enqueueText("Hello", 4).enqueueText("Hello again", 4);
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hi"));
    ResilienceOptions options =
        ResilienceOptions.builder().maxConcurrentCalls(1).maxBulkheadWait(Duration.ZERO).build();

    try (Connector connector = connector(fake, options)) {
      ChatStream stream = connector.stream(HELLO);
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(BulkheadFullException.class);
      assertThatThrownBy(() -> connector.stream(HELLO))
          .isInstanceOf(BulkheadFullException.class);

      stream.close();
      stream.close();

      assertThat(connector.chat(HELLO).content()).isEqualTo("Hi");
      try (ChatStream next = connector.stream(HELLO)) {
        assertThat(next.response().content()).isEqualTo("Hello again");
      }
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hi");
    }
  }

  @Test
  void refusesCallsBeyondTheClientSideRateLimitWithoutRetrying() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .requestsPerMinute(1)
            .maxRateLimiterWait(Duration.ZERO)
            .build();

    try (Connector connector = connector(fake, options)) {
      connector.chat(HELLO);
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(ClientRateLimitException.class)
          .hasMessageContaining("1 requests per minute");
    }
    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void waitsForTheRateLimitersNextPermitWhenAllowed() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .requestsPerMinute(1)
            .maxRateLimiterWait(Duration.ofMinutes(2))
            .build();

    try (Connector connector = connector(fake, options)) {
      connector.chat(HELLO);
      connector.chat(HELLO);
    }
    assertThat(fake.chat().requests()).hasSize(2);
    assertThat(sleeper.waits())
        .singleElement()
        .satisfies(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
  }

  @Test
  void aCallRefusedByTheRateLimiterSpendsNoPermit() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .requestsPerMinute(1)
            .maxRateLimiterWait(Duration.ofMinutes(5))
            .build();

    try (Connector connector = connector(fake, options)) {
      connector.chat(HELLO);
      // The next permit comes within a minute, after this call's deadline: refused.
      assertThatThrownBy(
              () -> connector.chat(HELLO.toBuilder().timeout(Duration.ofSeconds(10)).build()))
          .isInstanceOf(ClientRateLimitException.class);
      assertThat(sleeper.waits()).isEmpty();

      connector.chat(HELLO);
    }
    // The refused call booked nothing, so the last one waits for the next minute's permit, not
    // for the one after.
    assertThat(sleeper.waits())
        .singleElement()
        .satisfies(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
    assertThat(fake.chat().requests()).hasSize(2);
  }

  @Test
  void foreverDurationsNeitherOverflowNorLimit() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    fake.chat()
        .enqueueFailure(down())
        .enqueueFailure(
            new RateLimitException(
                "slow down",
                // Past a long of nanoseconds, not of milliseconds, which the message shows.
                new ErrorDetails("fake", 429, null, null, null, null, Duration.ofDays(365_000)),
                null))
        .answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ResilienceOptions options =
        ResilienceOptions.builder()
            .initialBackoff(forever)
            .maxBackoff(forever)
            .maxRetryAfter(forever)
            .callTimeout(forever)
            .attemptTimeout(forever)
            .circuitOpenDuration(forever)
            .maxBulkheadWait(forever)
            .maxRateLimiterWait(forever)
            .requestsPerMinute(1)
            .build();

    try (Connector connector = connector(fake, options)) {
      // The backoff is decades, within the call's timeout: waited, then retried.
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(RateLimitException.class)
          .satisfies(thrown -> assertThat(thrown.getSuppressed()).hasSize(1));
    }
    // One wait for the backoff, one for the rate limiter's next permit; the server's wait of a
    // thousand years would end past the deadline, so the call gave up at once.
    assertThat(sleeper.waits()).hasSize(2);
    assertThat(sleeper.waits().get(0)).isGreaterThan(Duration.ofDays(365));
    assertThat(fake.chat().requests()).hasSize(2);
  }

  private Connector connector(Provider provider, ResilienceOptions options) {
    return Connectors.builder()
        .provider(provider)
        .resilience(options)
        .waits(sleeper, () -> 0.5)
        .build();
  }

  private static ServerException down() {
    return new ServerException("down", new ErrorDetails("fake", 503, null, null, null, null, null), null);
  }
}
