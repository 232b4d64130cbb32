package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The call's deadline bounds what a port waits for, whatever the server does; an interrupted
 * caller gets its interruption back. Generous request timeouts make sure only the deadline can
 * end these waits.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenAiDeadlineTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  private final ExecutorService caller = Executors.newSingleThreadExecutor();
  private FakeOpenAiServer server;
  private OpenAiProvider provider;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider =
        OpenAiProvider.builder()
            .apiKey("sk-test-deadline")
            .baseUrl(server.baseUrl().toString())
            .requestTimeout(Duration.ofMinutes(5))
            .streamIdleTimeout(Duration.ofMinutes(5))
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    caller.shutdownNow();
    provider.close();
    server.close();
    assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello").build();
  }

  private ConnectorException chatFailure(Deadline deadline) {
    ConnectorException failure =
        catchThrowableOfType(
            ConnectorException.class, () -> provider.chat().complete(hello(), deadline));
    assertThat(failure).as("the call must fail").isNotNull();
    return failure;
  }

  private List<Thread> handlerThreads() {
    String prefix = "fake-openai-" + server.port() + "-handler-";
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive())
        .toList();
  }

  @Test
  void timesOutWhenTheHeadersNeverComeAndTheServerHandlerEndsAtStop() {
    server.enqueue(FakeResponse.noHeaders());

    ConnectorException failure = chatFailure(Deadline.after(SHORT));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
    assertThat(failure.isRetriable()).isTrue();
    server.close();
    assertThat(handlerThreads()).isEmpty();
  }

  @Test
  void timesOutWhenTheBodyStallsHalfWay() {
    server.enqueue(FakeResponse.chatCompletion("A long answer that stalls").bodyStallAfter(20));

    ConnectorException failure = chatFailure(Deadline.after(SHORT));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
    assertThat(failure.getMessage()).contains("body").doesNotContain("A long answer");
  }

  @Test
  void timesOutWhenALargeBodyStallsAfterFeignHandedItOver() {
    // Over Feign's 8 KB buffer: the port itself reads this body.
    server.enqueue(FakeResponse.chatCompletion("x".repeat(20_000)).bodyStallAfter(10_000));

    assertThat(chatFailure(Deadline.after(SHORT))).isInstanceOf(RequestTimeoutException.class);
  }

  @Test
  void reportsABodyCutHalfWayAsAConnectionFailure() {
    server.enqueue(FakeResponse.chatCompletion("A long answer that is cut").bodyCutAfter(20));

    ConnectorException failure = chatFailure(soon());

    assertThat(failure).isInstanceOf(ConnectionException.class);
    assertThat(failure.isRetriable()).isTrue();
  }

  @Test
  void reportsAResetConnectionAsAConnectionFailure() {
    server.enqueue(FakeResponse.resetConnection());

    assertThat(chatFailure(soon())).isInstanceOf(ConnectionException.class);
    assertThat(provider.chat().complete(hello(), soon()).content()).isEqualTo("Echo: Hello");
  }

  @Test
  void sendsNothingWhenTheDeadlineHasAlreadyPassed() {
    ConnectorException plain = chatFailure(Deadline.after(Duration.ZERO));
    ConnectorException stream =
        catchThrowableOfType(
            ConnectorException.class,
            () -> provider.chatStream().orElseThrow().open(hello(), Deadline.after(Duration.ZERO)));

    assertThat(plain).isInstanceOf(RequestTimeoutException.class);
    assertThat(stream).isInstanceOf(RequestTimeoutException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void timesOutOpeningAStreamWhoseHeadersNeverCome() {
    server.enqueue(FakeResponse.noHeaders());

    ConnectorException failure =
        catchThrowableOfType(
            ConnectorException.class,
            () -> provider.chatStream().orElseThrow().open(hello(), Deadline.after(SHORT)));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
  }

  private ConnectorException streamOpenFailure(FakeResponse response) {
    server.enqueue(response);
    ConnectorException failure =
        catchThrowableOfType(
            ConnectorException.class,
            () -> provider.chatStream().orElseThrow().open(hello(), Deadline.after(SHORT)));
    assertThat(failure).as("opening must fail").isNotNull();
    return failure;
  }

  @Test
  void timesOutOpeningAStreamWhoseErrorBodyStalls() {
    // Small enough for Feign to read the body itself, before the port sees the response.
    ConnectorException failure =
        streamOpenFailure(
            FakeResponse.error(500, "server_error", null, "Stalled half way").bodyStallAfter(10));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
  }

  @Test
  void timesOutOpeningAStreamWhoseLargeErrorBodyStalls() {
    // Over Feign's 8 KB buffer: the port itself reads this body.
    ConnectorException failure =
        streamOpenFailure(
            FakeResponse.error(500, "server_error", null, "x".repeat(20_000))
                .bodyStallAfter(10_000));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
  }

  @Test
  void timesOutOpeningAStreamAnsweredByAPlainBodyThatStalls() {
    ConnectorException failure =
        streamOpenFailure(FakeResponse.chatCompletion("x".repeat(20_000)).bodyStallAfter(100));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
  }

  @Test
  void cancelsTheBodyWatchdogOfEveryFinishedCall() {
    // A body Feign reads itself, one the port reads, an error body, then each kind of call.
    provider.chat().complete(hello(), soon());
    server.enqueue(FakeResponse.chatCompletion("x".repeat(20_000)));
    provider.chat().complete(hello(), soon());
    server.enqueue(FakeResponse.error(400, "invalid_request_error", null, "no"));
    catchThrowableOfType(ConnectorException.class, () -> provider.chat().complete(hello(), soon()));
    for (int i = 0; i < 5; i++) {
      provider.chat().complete(hello(), soon());
      try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
        while (source.next() != null) {
          // read to the end
        }
      }
      provider
          .embeddings()
          .orElseThrow()
          .embed(EmbeddingRequest.builder().model("m").input("hi").build(), soon());
      provider
          .images()
          .orElseThrow()
          .generate(ImageRequest.builder().model("m").prompt("a cat").build(), soon());
    }

    assertThat(server.requestCount()).isEqualTo(23);
    assertThat(provider.scheduledTimeouts()).isZero();
  }

  @Test
  void aStreamOutlivesItsOpeningDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(FakeResponse.streamedChatCompletion("Hello", 5).holdAfter(1, release));

    // Long enough to open on a loaded machine; the test then waits it out.
    Deadline opening = Deadline.after(Duration.ofSeconds(2));
    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), opening)) {
      Future<String> rest =
          caller.submit(
              () -> {
                StringBuilder text = new StringBuilder();
                for (var delta = source.next(); delta != null; delta = source.next()) {
                  text.append(delta.content() == null ? "" : delta.content());
                }
                return text.toString();
              });
      // Released only once the opening deadline is over; the class timeout bounds the wait.
      while (!opening.isExpired()) {
        Thread.sleep(10);
      }
      release.countDown();

      assertThat(rest.get(10, TimeUnit.SECONDS)).isEqualTo("Hello");
    }
  }

  @Test
  void reusesTheConnectionAcrossCallsWithDifferentDeadlines() {
    for (Duration timeout :
        List.of(Duration.ofSeconds(30), Duration.ofSeconds(7), Duration.ofMinutes(3))) {
      provider.chat().complete(hello(), Deadline.after(timeout));
    }

    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void anInterruptedCallThrowsCallInterruptedAndKeepsTheFlag() throws Exception {
    server.enqueue(FakeResponse.noHeaders());

    Outcome outcome =
        interruptOnceReady(() -> provider.chat().complete(hello(), soon()), server::takeRequest);

    assertThat(outcome.failure()).isInstanceOf(CallInterruptedException.class);
    assertThat(((ConnectorException) outcome.failure()).isRetriable()).isFalse();
    assertThat(outcome.interrupted()).isTrue();
  }

  @Test
  void aCallStartedInterruptedThrowsCallInterruptedAndKeepsTheFlag() throws Exception {
    Outcome outcome =
        run(
            () -> {
              Thread.currentThread().interrupt();
              return provider.chat().complete(hello(), soon());
            });

    assertThat(outcome.failure()).isInstanceOf(CallInterruptedException.class);
    assertThat(outcome.interrupted()).isTrue();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aStreamReadWhileInterruptedThrowsCallInterruptedAndKeepsTheFlag() throws Exception {
    // The JDK 17 client does not wake a read already blocked in a body, so the interrupt comes
    // between deltas here, where every JDK sees it.
    server.enqueue(FakeResponse.streamedChatCompletion("Hello", 5).stallAfter(2));
    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
      Outcome outcome =
          run(
              () -> {
                source.next();
                Thread.currentThread().interrupt();
                return source.next();
              });

      assertThat(outcome.failure()).isInstanceOf(CallInterruptedException.class);
      assertThat(outcome.interrupted()).isTrue();
    }
  }

  /** What a calling thread saw: its failure, and whether its interrupt flag was set after it. */
  private record Outcome(Throwable failure, boolean interrupted) {}

  private Outcome run(Callable<?> call) throws Exception {
    return interruptOnceReady(call, null);
  }

  /** Runs the call on its own thread, interrupts it once {@code ready} returned, if given. */
  private Outcome interruptOnceReady(Callable<?> call, @Nullable ThrowingRunnable ready)
      throws Exception {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              Throwable failure = null;
              try {
                call.call();
              } catch (Throwable e) {
                failure = e;
              }
              outcome.complete(new Outcome(failure, Thread.currentThread().isInterrupted()));
            },
            "interrupted-caller");
    thread.setDaemon(true);
    thread.start();
    if (ready != null) {
      ready.run();
      thread.interrupt();
    }
    return outcome.get(10, TimeUnit.SECONDS);
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
