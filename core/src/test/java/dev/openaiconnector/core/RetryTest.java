package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConflictException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.core.testing.InstrumentedProvider;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.core.testing.RecordingSleeper;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeChatStreamPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

class RetryTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello to Alice").build();

  private final FakeProvider fake = FakeProvider.create();
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  static Stream<ConnectorException> retriableFailures() {
    return Stream.of(
        new RateLimitException("slow down", details(429, null), null),
        new ServerException("bad gateway", details(502, null), null),
        new ServerException("unavailable", details(503, null), null),
        new RequestTimeoutException("timed out", details(408, null), null),
        new ConnectionException("reset", ErrorDetails.ofProvider("fake"), null),
        new ConflictException("conflict", details(409, null), null));
  }

  @ParameterizedTest
  @MethodSource("retriableFailures")
  void retriesARetriableFailureAndReturnsTheNextAnswer(ConnectorException failure) {
    fake.chat().enqueueFailure(failure).enqueueText("Hello, Alice");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hello, Alice");
    }

    assertThat(fake.chat().requests()).hasSize(2);
    assertThat(sleeper.waits()).hasSize(1);
  }

  static Stream<ConnectorException> nonRetriableFailures() {
    return Stream.of(
        new AuthenticationException("bad key", details(401, null), null),
        new InvalidRequestException("bad temperature", details(400, null), null),
        new NotFoundException("no such model", details(404, null), null),
        new QuotaExceededException("insufficient_quota", details(429, null), null),
        new ContentFilterException("filtered", details(400, null), null));
  }

  @ParameterizedTest
  @MethodSource("nonRetriableFailures")
  void neverRetriesANonRetriableFailure(ConnectorException failure) {
    fake.chat().enqueueFailure(failure).enqueueText("never sent");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO)).isSameAs(failure);
    }

    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void retriesRateLimitedCallAfterServersWait() {
    fake.chat()
        .enqueueFailure(new RateLimitException("slow down", details(429, Duration.ofSeconds(3)), null))
        .enqueueText("Hello");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      connector.chat(HELLO);
    }

    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void capsTheServersWaitAtMaxRetryAfter() {
    fake.chat()
        .enqueueFailure(
            new RateLimitException("slow down", details(429, Duration.ofMinutes(5)), null))
        .enqueueText("Hello");
    ResilienceOptions options =
        ResilienceOptions.builder().maxRetryAfter(Duration.ofSeconds(20)).build();

    try (Connector connector = connector(fake, options)) {
      connector.chat(HELLO);
    }

    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(20));
  }

  @Test
  void backoffDoublesUpToItsBoundWithEqualJitter() {
    for (int i = 0; i < 5; i++) {
      fake.chat().enqueueFailure(server());
    }
    fake.chat().enqueueText("Hello");
    ResilienceOptions options =
        ResilienceOptions.builder()
            .maxRetries(5)
            .initialBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(500))
            .build();

    try (Connector lowest = connector(fake, options, () -> 0.0)) {
      lowest.chat(HELLO);
    }

    // Half of 100, 200, 400, 500 (capped), 500 ms: the lowest the jitter can go.
    assertThat(sleeper.waits())
        .containsExactly(
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(250),
            Duration.ofMillis(250));
  }

  @Test
  void jitterStaysBetweenHalfTheBackoffAndAllOfIt() {
    fake.chat().enqueueFailure(server()).enqueueFailure(server()).enqueueText("Hello");
    ResilienceOptions options =
        ResilienceOptions.builder().initialBackoff(Duration.ofMillis(1000)).build();

    try (Connector highest = connector(fake, options, () -> Math.nextDown(1.0))) {
      highest.chat(HELLO);
    }

    assertThat(sleeper.waits()).hasSize(2);
    assertThat(sleeper.waits().get(0))
        .isGreaterThan(Duration.ofMillis(999))
        .isLessThanOrEqualTo(Duration.ofMillis(1000));
    assertThat(sleeper.waits().get(1))
        .isGreaterThan(Duration.ofMillis(1999))
        .isLessThanOrEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void throwsTheLastFailureWithTheEarlierOnesSuppressed() {
    ServerException first = server();
    ConnectionException second = new ConnectionException("reset", details(0, null), null);
    RequestTimeoutException last = new RequestTimeoutException("slow", details(0, null), null);
    fake.chat().enqueueFailure(first).enqueueFailure(second).enqueueFailure(last);

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isSameAs(last)
          .satisfies(thrown -> assertThat(thrown.getSuppressed()).containsExactly(first, second));
    }
    assertThat(fake.chat().requests()).hasSize(3);
  }

  @Test
  void aRequestWithMaxRetriesZeroIsNotRetried() {
    ServerException down = server();
    fake.chat().enqueueFailure(down).enqueueText("never sent");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO.toBuilder().maxRetries(0).build()))
          .isSameAs(down);
    }
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void aRequestsMaxRetriesReplacesTheConnectors() {
    fake.chat().enqueueFailure(server()).enqueueFailure(server()).enqueueText("Hello");

    try (Connector connector =
        connector(fake, ResilienceOptions.builder().maxRetries(0).build())) {
      assertThat(connector.chat(HELLO.toBuilder().maxRetries(2).build()).content())
          .isEqualTo("Hello");
    }
  }

  @Test
  void aRequestsTimeoutReplacesTheCallTimeout() {
    InstrumentedProvider provider = new InstrumentedProvider(fake);
    fake.chat().enqueueText("Hello").enqueueText("Hello");

    try (Connector connector = connector(provider, ResilienceOptions.defaults())) {
      connector.chat(HELLO.toBuilder().timeout(Duration.ofSeconds(5)).build());
      connector.chat(HELLO);
    }

    List<Long> remaining = provider.chatRemainingNanos();
    assertThat(remaining.get(0)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(remaining.get(1)).isGreaterThan(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void everyAttemptOfACallGetsTheCallsOneDeadline() {
    InstrumentedProvider provider = new InstrumentedProvider(fake);
    fake.chat().enqueueFailure(server()).enqueueText("Hello");

    try (Connector connector = connector(provider, ResilienceOptions.defaults())) {
      connector.chat(HELLO);
    }

    assertThat(provider.chatDeadlines()).hasSize(2);
    assertThat(provider.chatDeadlines().get(1)).isSameAs(provider.chatDeadlines().get(0));
    assertThat(provider.chatRemainingNanos().get(1))
        .isLessThanOrEqualTo(provider.chatRemainingNanos().get(0));
  }

  @Test
  void attemptTimeoutCapsTheDeadlineOfEachAttempt() {
    InstrumentedProvider provider = new InstrumentedProvider(fake);
    fake.chat().enqueueFailure(server()).enqueueText("Hello");
    ResilienceOptions options =
        ResilienceOptions.builder().attemptTimeout(Duration.ofSeconds(2)).build();

    try (Connector connector = connector(provider, options)) {
      connector.chat(HELLO);
    }

    assertThat(provider.chatRemainingNanos())
        .hasSize(2)
        .allSatisfy(
            nanos ->
                assertThat(nanos).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos()));
    assertThat(provider.chatDeadlines().get(1)).isNotSameAs(provider.chatDeadlines().get(0));
  }

  @Test
  void givesUpAtOnceWhenTheNextWaitWouldEndPastTheDeadline() {
    RateLimitException limited =
        new RateLimitException("slow down", details(429, Duration.ofSeconds(30)), null);
    fake.chat().enqueueFailure(limited).enqueueText("never sent");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(
              () -> connector.chat(HELLO.toBuilder().timeout(Duration.ofSeconds(10)).build()))
          .isSameAs(limited);
    }
    assertThat(sleeper.waits()).isEmpty();
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void anInterruptedWaitEndsTheCallAndKeepsTheInterrupt() {
    ServerException down = server();
    fake.chat().enqueueFailure(down).enqueueText("never sent");
    sleeper.interrupting();

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(CallInterruptedException.class)
          .hasCause(down);
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void anInterruptedThreadIsNotRetried() {
    ServerException down = server();
    fake.chat()
        .answerWith(
            request -> {
              Thread.currentThread().interrupt();
              throw down;
            });

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(CallInterruptedException.class)
          .hasCause(down);
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  static Stream<ConnectorException> failuresOfAnInterruptedAttempt() {
    return Stream.of(
        // A port that reports the interrupt as a lost connection.
        new ConnectionException("interrupted", ErrorDetails.ofProvider("fake"), null),
        new InvalidRequestException("bad", details(400, null), null),
        // A wait that would end past the deadline.
        new RateLimitException("slow down", details(429, Duration.ofHours(1)), null));
  }

  @ParameterizedTest
  @MethodSource("failuresOfAnInterruptedAttempt")
  void anInterruptedThreadEndsTheCallAsInterruptedWhateverTheAttemptFailedWith(
      ConnectorException failure) {
    fake.chat()
        .answerWith(
            request -> {
              Thread.currentThread().interrupt();
              throw failure;
            });

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(
              () -> connector.chat(HELLO.toBuilder().timeout(Duration.ofSeconds(10)).build()))
          .isInstanceOf(CallInterruptedException.class)
          .hasCause(failure);
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void anInterruptedThreadWithoutRetriesEndsTheCallAsInterrupted() {
    ConnectionException lost =
        new ConnectionException("interrupted", ErrorDetails.ofProvider("fake"), null);
    fake.chat()
        .answerWith(
            request -> {
              Thread.currentThread().interrupt();
              throw lost;
            });

    try (Connector connector =
        connector(fake, ResilienceOptions.builder().maxRetries(0).build())) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(CallInterruptedException.class)
          .hasCause(lost);
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void eachRoundOfAToolLoopIsRetriedOnItsOwn() {
    fake.chat()
        .enqueueFailure(server())
        .enqueueText("Hello")
        .enqueueFailure(server())
        .enqueueText("Hello again");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hello");
      assertThat(connector.chat(HELLO).content()).isEqualTo("Hello again");
    }
    assertThat(fake.chat().requests()).hasSize(4);
  }

  @Test
  void opensAStreamAgainWhenOpeningFails() {
    fake.streams().enqueueOpenFailure(server()).enqueueText("Hello, Alice", 4);

    try (Connector connector = connector(fake, ResilienceOptions.defaults());
        ChatStream stream = connector.stream(HELLO)) {
      assertThat(stream.response().content()).isEqualTo("Hello, Alice");
    }
    assertThat(fake.streams().requests()).hasSize(2);
    assertThat(sleeper.waits()).hasSize(1);
  }

  @Test
  void neverRetriesAStreamOnceItHasStarted() {
    ServerException broken = server();
    fake.streams()
        .enqueueFailureAfter(FakeChatStreamPort.textDeltas(HELLO, "Hel", 4).subList(0, 1), broken)
        .enqueueText("never sent", 4);

    try (Connector connector = connector(fake, ResilienceOptions.defaults());
        ChatStream stream = connector.stream(HELLO)) {
      assertThatThrownBy(stream::response).isSameAs(broken);
    }
    assertThat(fake.streams().requests()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void logsEachRetryAndOneLineForTheCallAtDebug() {
    fake.chat()
        .enqueueFailure(
            new ServerException("down", new ErrorDetails("fake", 503, null, null, null, "r1", null), null))
        .enqueueText("Hello, Alice");

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      connector.chat(HELLO);
    }

    assertThat(LogCapture.events(Level.DEBUG))
        .filteredOn(event -> event.logger().endsWith("ResilientCalls"))
        .extracting(LogCapture.LoggedEvent::message)
        .satisfiesExactly(
            retry ->
                assertThat(retry)
                    .startsWith("CHAT retry: model=gpt-4o-mini provider=fake attempt=1")
                    .contains("failure=ServerException(503)", "wait="),
            call ->
                assertThat(call)
                    .startsWith("CHAT model=gpt-4o-mini provider=fake outcome=ok latency=")
                    .endsWith("retries=1"));
    assertThat(LogCapture.events())
        .extracting(LogCapture.LoggedEvent::fullText)
        .noneMatch(text -> text.contains("Alice") || text.contains("down"));
  }

  @Test
  void logsTheFailureOfACallByItsTypeAndStatus() {
    fake.chat().enqueueFailure(new AuthenticationException("bad key", details(401, null), null));

    try (Connector connector = connector(fake, ResilienceOptions.defaults())) {
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(AuthenticationException.class);
    }

    assertThat(LogCapture.events(Level.DEBUG))
        .filteredOn(event -> event.logger().endsWith("ResilientCalls"))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.message())
                    .contains("outcome=AuthenticationException(401)", "retries=0")
                    .doesNotContain("bad key"));
  }

  private Connector connector(Provider provider, ResilienceOptions options) {
    return connector(provider, options, () -> 0.5);
  }

  private Connector connector(
      Provider provider, ResilienceOptions options, DoubleSupplier random) {
    return Connectors.builder().provider(provider).resilience(options).waits(sleeper, random).build();
  }

  private static ServerException server() {
    return new ServerException("down", details(500, null), null);
  }

  static ErrorDetails details(int status, @Nullable Duration retryAfter) {
    return new ErrorDetails("fake", status, null, null, null, null, retryAfter);
  }
}
