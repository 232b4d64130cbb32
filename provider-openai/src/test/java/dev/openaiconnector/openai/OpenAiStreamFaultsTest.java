package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.StreamChunks.chunk;
import static dev.openaiconnector.openai.StreamChunks.content;
import static dev.openaiconnector.openai.StreamChunks.hello;
import static dev.openaiconnector.openai.StreamChunks.readAll;
import static dev.openaiconnector.openai.StreamChunks.text;
import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.internal.OpenAiChatStreamPort;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.ProviderSettings;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way a stream can fail reaches the reader as a typed exception from {@code next()}, after
 * the deltas that arrived before it; nothing hangs.
 */
class OpenAiStreamFaultsTest {
  private static final String KEY = "sk-proj-SECRETkeyVALUE0987654321";

  private final ExecutorService consumer = Executors.newSingleThreadExecutor();
  private FakeOpenAiServer server;
  private OpenAiProvider provider;
  private ChatStreamPort port;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider = provider(OpenAiProvider.builder().streamIdleTimeout(Duration.ofMillis(300)));
    port = provider.chatStream().orElseThrow();
  }

  private OpenAiProvider provider(OpenAiProvider.Builder builder) {
    return builder.apiKey(KEY).baseUrl(server.baseUrl().toString()).build();
  }

  @AfterEach
  void stop() {
    consumer.shutdownNow();
    provider.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  /** Reads deltas until the stream fails, and returns what arrived and the failure. */
  private record Outcome(List<ChatDelta> deltas, ConnectorException failure) {}

  private static Outcome readUntilFailure(ChatEventSource source) {
    List<ChatDelta> deltas = new ArrayList<>();
    try {
      for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
        deltas.add(delta);
      }
    } catch (ConnectorException e) {
      assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("SECRETkey");
      return new Outcome(deltas, e);
    }
    throw new AssertionError("the stream ended normally after " + deltas.size() + " deltas");
  }

  private Outcome open(FakeResponse response) {
    server.enqueue(response);
    try (ChatEventSource source = port.open(hello(), soon())) {
      Outcome outcome = readUntilFailure(source);
      assertThatThrownBy(source::next)
          .as("a failed source keeps failing")
          .isSameAs(outcome.failure());
      assertThat(openStreams(port)).as("a failed stream is released at once").isZero();
      return outcome;
    }
  }

  static int openStreams(ChatStreamPort port) {
    return ((OpenAiChatStreamPort) port).openStreams();
  }

  @Test
  void reportsAnErrorEventAfterTheDeltasBeforeIt() {
    Outcome outcome =
        open(
            FakeResponse.rawEventStream(
                "data: "
                    + chunk(content(0, "Partial"))
                    + "\n\n"
                    + "event: error\n"
                    + "data: {\"error\":{\"message\":\"The server had an error while processing"
                    + " your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,"
                    + "\"code\":null}}\n\n"));

    assertThat(text(outcome.deltas())).isEqualTo("Partial");
    assertThat(outcome.failure()).isInstanceOf(ServerException.class);
    assertThat(outcome.failure().isRetriable()).isTrue();
    assertThat(outcome.failure().errorType()).hasValue("server_error");
    assertThat(outcome.failure().requestId()).hasValue("req_fake_1");
    assertThat(outcome.failure().getMessage()).contains("Sorry about that");
  }

  @Test
  void mapsAnErrorChunkByItsCode() {
    Outcome outcome =
        open(
            FakeResponse.eventStream(
                List.of(
                    chunk(content(0, "a")),
                    "{\"error\":{\"message\":\"Rate limit reached for " + KEY + "\","
                        + "\"type\":\"requests\",\"param\":null,"
                        + "\"code\":\"rate_limit_exceeded\"}}")));

    assertThat(outcome.failure()).isInstanceOf(RateLimitException.class);
    assertThat(outcome.failure().errorCode()).hasValue("rate_limit_exceeded");
    assertThat(outcome.failure().getMessage()).contains("sk-***");
  }

  @Test
  void redactsTheTypeCodeAndParamOfAnErrorEvent() {
    Outcome outcome =
        open(
            FakeResponse.eventStream(
                List.of(
                    "{\"error\":{\"message\":\"no\",\"type\":\"" + KEY + "\","
                        + "\"param\":\"Bearer abc.SECRETtoken\",\"code\":\"" + KEY + "\"}}")));

    assertThat(outcome.failure().errorType()).hasValue("sk-***");
    assertThat(outcome.failure().errorCode()).hasValue("sk-***");
    assertThat(outcome.failure().details().param()).isEqualTo("Bearer ***");
    assertThat(outcome.failure().getMessage()).doesNotContain("SECRETtoken");
  }

  @Test
  void reportsAStreamThatEndsWithoutDone() {
    Outcome outcome = open(FakeResponse.streamedChatCompletion("Almost there", 4).withoutDone());

    assertThat(text(outcome.deltas())).isEqualTo("Almost there");
    assertThat(outcome.deltas().get(outcome.deltas().size() - 1).usage()).isNotNull();
    assertThat(outcome.failure())
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("ended before [DONE]");
    assertThat(outcome.failure().isRetriable()).isTrue();
  }

  @Test
  void reportsAMalformedChunkWithoutItsContent() {
    Outcome outcome =
        open(
            FakeResponse.rawEventStream(
                "data: "
                    + chunk(content(0, "fine"))
                    + "\n\n"
                    + "data: {\"id\":\"chatcmpl-s1\",\"choices\":[{\"delta\":{\"content\":\"private"
                    + " words\"\n\n"
                    + "data: [DONE]\n\n"));

    assertThat(text(outcome.deltas())).isEqualTo("fine");
    assertThat(outcome.failure()).isInstanceOf(UnexpectedResponseException.class);
    assertThat(outcome.failure().getMessage()).doesNotContain("private words");
    assertThat(outcome.failure().status()).hasValue(200);
  }

  @Test
  void reportsAChunkWithImpossibleValues() {
    Outcome outcome =
        open(
            FakeResponse.eventStream(
                List.of(chunk(content(0, "ok")), StreamChunks.usageChunk(-1, 2, 0, 0))));

    assertThat(text(outcome.deltas())).isEqualTo("ok");
    assertThat(outcome.failure()).isInstanceOf(UnexpectedResponseException.class);
  }

  @Test
  void reportsADroppedConnection() {
    // The cut waits until the deltas before it were read: the JDK client drops what it had
    // received but not yet handed on when it learns the connection failed.
    CountDownLatch readBeforeCut = new CountDownLatch(1);
    server.enqueue(
        FakeResponse.streamedChatCompletion("Cut short here", 2)
            .holdAfter(3, readBeforeCut)
            .cutAfter(3));

    try (ChatEventSource source = port.open(hello(), soon())) {
      // The role chunk's empty text, then two pieces.
      assertThat(text(List.of(source.next(), source.next(), source.next()))).isEqualTo("Cut ");
      readBeforeCut.countDown();

      ConnectorException failure = readUntilFailure(source).failure();

      assertThat(failure).isInstanceOf(ConnectionException.class);
      assertThat(failure.isRetriable()).isTrue();
      assertThat(failure.requestId()).hasValue("req_fake_1");
    } finally {
      readBeforeCut.countDown();
    }
  }

  @Test
  void timesOutWhenTheServerStopsSending() {
    Outcome outcome = open(FakeResponse.streamedChatCompletion("Stalled answer", 3).stallAfter(2));

    assertThat(text(outcome.deltas())).isEqualTo("Sta");
    assertThat(outcome.failure()).isInstanceOf(RequestTimeoutException.class);
    assertThat(outcome.failure().isRetriable()).isTrue();
    assertThat(outcome.failure().getMessage()).contains("idle timeout");
  }

  @Test
  void doesNotCountTheConsumersOwnPausesAsIdleness() throws InterruptedException {
    server.enqueue(FakeResponse.streamedChatCompletion("Slow reader", 6));
    OpenAiProvider patient =
        provider(OpenAiProvider.builder().streamIdleTimeout(Duration.ofSeconds(1)));

    try (patient;
        ChatEventSource source = patient.chatStream().orElseThrow().open(hello(), soon())) {
      StringBuilder text = new StringBuilder();
      for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
        text.append(delta.text());
        // Two idle timeouts in all, while the server has long sent everything.
        Thread.sleep(400);
      }
      assertThat(text).hasToString("Slow reader");
    }
  }

  @Test
  void takesTheIdleTimeoutFromTheEnvironment() {
    ProviderSettings settings =
        name ->
            Optional.ofNullable(
                Map.of(
                        "OPENAI_API_KEY", KEY,
                        "OPENAI_BASE_URL", server.baseUrl().toString(),
                        "OPENAI_STREAM_IDLE_TIMEOUT", "0.3")
                    .get(name));
    try (OpenAiProvider fromEnvironment = new OpenAiProviderFactory().create(settings)) {
      server.enqueue(FakeResponse.streamedChatCompletion("Stalled", 3).stallAfter(1));

      try (ChatEventSource source = fromEnvironment.chatStream().orElseThrow().open(hello(), soon())) {
        assertThat(readUntilFailure(source).failure()).isInstanceOf(RequestTimeoutException.class);
      }
    }
  }

  @Test
  void endsABlockedReadPromptlyWhenClosedFromAnotherThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(FakeResponse.streamedChatCompletion("Held back", 3).holdAfter(2, release));
    OpenAiProvider patient = provider(OpenAiProvider.builder());
    try {
      ChatEventSource source = patient.chatStream().orElseThrow().open(hello(), soon());
      assertThat(text(List.of(source.next(), source.next()))).isEqualTo("Hel");
      Future<ChatDelta> blocked = consumer.submit(source::next);
      awaitBlocked();

      source.close();

      ExecutionException failure =
          catchThrowableOfType(ExecutionException.class, () -> blocked.get(30, TimeUnit.SECONDS));
      assertThat(failure.getCause()).isInstanceOf(StreamCancelledException.class);
      assertThatThrownBy(source::next).isInstanceOf(StreamCancelledException.class);
      source.close();
      assertThat(openStreams(patient.chatStream().orElseThrow())).isZero();
      // The connection was freed: the server answers the next calls, streamed and plain.
      try (ChatEventSource next = patient.chatStream().orElseThrow().open(hello(), soon())) {
        assertThat(text(readAll(next))).isEqualTo("Echo: Hello there");
      }
      assertThat(patient.chat().complete(hello(), soon()).content()).isEqualTo("Echo: Hello there");
    } finally {
      release.countDown();
      patient.close();
    }
  }

  /** Waits until a thread parks in the stream's read, so that close() meets a blocked read. */
  private static void awaitBlocked() throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      if (Thread.getAllStackTraces().keySet().stream().anyMatch(OpenAiStreamFaultsTest::isInRead)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no thread blocked in the stream's read");
  }

  private static boolean isInRead(Thread thread) {
    Thread.State state = thread.getState();
    if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().endsWith("ServerSentEventReader")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void closingFromTheReadingThreadCancelsAndIsIdempotent() {
    server.enqueue(FakeResponse.streamedChatCompletion("Never read to the end", 2));
    ChatEventSource source = port.open(hello(), soon());
    assertThat(source.next()).isNotNull();

    source.close();
    source.close();

    assertThatThrownBy(source::next).isInstanceOf(StreamCancelledException.class);
  }

  @Test
  void closingTheProviderCancelsItsOpenStreams() {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(FakeResponse.streamedChatCompletion("Held", 2).holdAfter(2, release));
    OpenAiProvider closing = provider(OpenAiProvider.builder());
    try {
      ChatEventSource source = closing.chatStream().orElseThrow().open(hello(), soon());
      assertThat(source.next()).isNotNull();

      closing.close();

      assertThatThrownBy(source::next).isInstanceOf(StreamCancelledException.class);
      assertThatThrownBy(() -> closing.chatStream().orElseThrow().open(hello(), soon()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    } finally {
      release.countDown();
    }
  }

  @Test
  void mapsAnErrorStatusBeforeTheStreamLikeAPlainCall() {
    server.enqueue(
        FakeResponse.rateLimited(Duration.ofSeconds(2)).header("x-request-id", "req_429"));

    RateLimitException failure =
        catchThrowableOfType(RateLimitException.class, () -> port.open(hello(), soon()));

    assertThat(failure).isNotNull();
    assertThat(failure.status()).hasValue(429);
    assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(2));
    assertThat(failure.requestId()).hasValue("req_429");
    // The error body was read to its end: the connection serves the next call.
    assertThat(text(readAll(port.open(hello(), soon())))).isEqualTo("Echo: Hello there");
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void reportsAPlainJsonAnswerToAStreamedRequest() {
    server.enqueue(FakeResponse.chatCompletion("not streamed"));

    assertThatThrownBy(() -> port.open(hello(), soon()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("application/json instead of an event stream");
  }

  @Test
  void reportsARefusedConnectionWhenOpening() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OpenAiProvider nowhere =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl("http://127.0.0.1:" + closedPort + "/v1")
            .build();
    try {
      assertThatThrownBy(() -> nowhere.chatStream().orElseThrow().open(hello(), soon()))
          .isInstanceOf(ConnectionException.class)
          .hasMessageNotContaining(KEY);
    } finally {
      nowhere.close();
    }
  }

  @Test
  void rejectsANonPositiveIdleTimeout() {
    assertThatThrownBy(
            () -> provider(OpenAiProvider.builder().streamIdleTimeout(Duration.ZERO)))
        .hasMessageContaining("streamIdleTimeout must be positive");
    ProviderSettings settings =
        name ->
            Optional.ofNullable(
                Map.of("OPENAI_API_KEY", KEY, "OPENAI_STREAM_IDLE_TIMEOUT", "soon").get(name));
    assertThatThrownBy(() -> new OpenAiProviderFactory().create(settings))
        .hasMessageContaining("OPENAI_STREAM_IDLE_TIMEOUT");
  }
}
