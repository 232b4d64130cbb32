package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.chatRequest;
import static dev.openaiconnector.testkit.FakeOpenAiServerTest.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.openaiconnector.testkit.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scripted event streams: their exact wire text and their faults, as a JDK client sees them. */
// A guard against hangs, not a timing: a broken hold or flush would block a read forever.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FakeOpenAiServerStreamingTest {
  /** Bounds every wait, so that a broken server fails a test instead of hanging it. */
  private static final long GUARD_SECONDS = 10;

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void eventStreamSendsEachPayloadAsADataEventThenDone() {
    server.enqueue(FakeResponse.eventStream(List.of("{\"a\":1}", "", "two words")));

    HttpResponse<String> response = send(HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
    assertThat(response.headers().firstValue("content-length")).isEmpty();
    assertThat(response.headers().firstValue("x-request-id")).hasValue("req_fake_1");
    assertThat(response.body())
        .isEqualTo("data: {\"a\":1}\n\ndata: \n\ndata: two words\n\ndata: [DONE]\n\n");
  }

  @Test
  void eventStreamSendsAMultiLinePayloadAsOneEventOfSeveralDataLines() {
    server.enqueue(FakeResponse.eventStream(List.of("first\nsecond", "crlf\r\nend")));

    assertThat(send(HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo("data: first\ndata: second\n\ndata: crlf\ndata: end\n\ndata: [DONE]\n\n");
  }

  @Test
  void eventStreamFlushesEachEventOnItsOwn() throws IOException {
    server.enqueue(FakeResponse.eventStream(List.of("one", "two")));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).isEqualTo("data: one\n\n");
      assertThat(readEvent(body)).isEqualTo("data: two\n\n");
      assertThat(readEvent(body)).isEqualTo("data: [DONE]\n\n");
      assertThat(body.read()).isEqualTo(-1);
    }
  }

  @Test
  void rawEventStreamSendsExactlyTheBodyIncludingCrlfAndComments() throws IOException {
    String raw =
        ": keep-alive\r\n\r\n"
            + "data: {\"a\":\r\n"
            + "data: 1}\r\n\r\n"
            + "event: error\n"
            + "data: {\"error\":{\"message\":\"boom\"}}\n\n"
            + "data: {not json\n\n"
            + "data: no blank line at the end";
    server.enqueue(FakeResponse.rawEventStream(raw));

    HttpResponse<InputStream> response = send(HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    try (InputStream body = response.body()) {
      assertThat(readEvent(body)).isEqualTo(": keep-alive\r\n\r\n");
      assertThat(readEvent(body)).isEqualTo("data: {\"a\":\r\ndata: 1}\r\n\r\n");
      assertThat(readEvent(body))
          .isEqualTo("event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n");
      assertThat(readEvent(body)).isEqualTo("data: {not json\n\n");
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("data: no blank line at the end");
    }
  }

  @Test
  void streamedChatCompletionReassemblesToTheContentInChunksOfTheGivenLength() {
    server.enqueue(FakeResponse.streamedChatCompletion("Hello, streaming world!", 5));

    HttpResponse<String> response = send(HttpResponse.BodyHandlers.ofString());

    List<String> events = TestClient.events(response.body());
    assertThat(events).hasSize(1 + 5 + 1 + 1 + 1).last().isEqualTo("[DONE]");
    List<Map<?, ?>> chunks =
        events.subList(0, events.size() - 1).stream()
            .map(event -> (Map<?, ?>) Json.parse(event))
            .collect(Collectors.toList());
    assertThat(chunks)
        .allSatisfy(
            chunk -> {
              assertThat(chunk.get("id")).isEqualTo("chatcmpl-fake-stream");
              assertThat(chunk.get("object")).isEqualTo("chat.completion.chunk");
              assertThat(chunk.get("model")).isEqualTo("gpt-4o-mini");
            });
    assertThat(path(chunks.get(0), "choices", 0, "delta", "role")).isEqualTo("assistant");
    assertThat(path(chunks.get(0), "choices", 0, "delta", "content")).isEqualTo("");
    List<Object> pieces =
        chunks.subList(1, 6).stream()
            .map(chunk -> path(chunk, "choices", 0, "delta", "content"))
            .collect(Collectors.toList());
    assertThat(pieces).containsExactly("Hello", ", str", "eamin", "g wor", "ld!");
    assertThat(path(chunks.get(6), "choices", 0, "finish_reason")).isEqualTo("stop");
    Map<?, ?> usageChunk = chunks.get(7);
    assertThat(usageChunk.get("choices")).isEqualTo(List.of());
    // "Hello, streaming world!" is 23 characters, 6 tokens; the prompt "hi there" is 2.
    assertThat(path(usageChunk, "usage", "completion_tokens")).isEqualTo(new BigDecimal(6));
    assertThat(path(usageChunk, "usage", "prompt_tokens")).isEqualTo(new BigDecimal(2));
    assertThat(path(usageChunk, "usage", "total_tokens")).isEqualTo(new BigDecimal(8));
  }

  @Test
  void streamedChatCompletionNeverSplitsASurrogatePair() {
    server.enqueue(FakeResponse.streamedChatCompletion("a\uD83D\uDE00b", 2));

    List<String> events = TestClient.events(send(HttpResponse.BodyHandlers.ofString()).body());

    List<Object> pieces =
        events.subList(1, events.size() - 3).stream()
            .map(event -> path((Map<?, ?>) Json.parse(event), "choices", 0, "delta", "content"))
            .collect(Collectors.toList());
    assertThat(pieces).containsExactly("a\uD83D\uDE00", "b");
  }

  @Test
  void scriptedStreamAnswersARequestThatDidNotAskForAStream() {
    server.enqueue(FakeResponse.streamedChatCompletion("hi", 10));
    server.enqueue(FakeResponse.eventStream(List.of("x")));

    HttpResponse<String> chat = send(HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> get =
        sendRequest("GET", "/anything", "", HttpResponse.BodyHandlers.ofString());

    assertThat(TestClient.events(chat.body())).hasSize(5);
    assertThat(get.body()).isEqualTo("data: x\n\ndata: [DONE]\n\n");
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void withoutDoneEndsTheStreamProperlyButWithoutDone() {
    server.enqueue(FakeResponse.eventStream(List.of("one")).withoutDone());
    server.enqueue(FakeResponse.streamedChatCompletion("hi", 10).withoutDone());

    String events = send(HttpResponse.BodyHandlers.ofString()).body();
    String chat = send(HttpResponse.BodyHandlers.ofString()).body();

    assertThat(events).isEqualTo("data: one\n\n");
    assertThat(TestClient.events(chat)).hasSize(4).doesNotContain("[DONE]");
    assertThat(chat).endsWith("}\n\n");
  }

  @Test
  void keepsHeadersStatusDelayAndRequestIdOnStreams() {
    server.enqueue(
        FakeResponse.rawEventStream("data: x\n\n")
            .header("x-request-id", "req_own")
            .header("openai-processing-ms", "5")
            .delay(Duration.ofMillis(1)));

    HttpResponse<String> response = send(HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("x-request-id")).containsExactly("req_own");
    assertThat(response.headers().firstValue("openai-processing-ms")).hasValue("5");
    assertThat(response.body()).isEqualTo("data: x\n\n");
  }

  @Test
  void eventDelayKeepsTheEventsInOrder() {
    server.enqueue(
        FakeResponse.eventStream(List.of("1", "2", "3", "4")).eventDelay(Duration.ofMillis(5)));

    HttpResponse<Stream<String>> response = send(HttpResponse.BodyHandlers.ofLines());

    try (Stream<String> lines = response.body()) {
      assertThat(lines.filter(line -> !line.isEmpty()))
          .containsExactly("data: 1", "data: 2", "data: 3", "data: 4", "data: [DONE]");
    }
  }

  @Test
  void holdAfterSendsTheFirstEventsAndTheRestOnlyAfterRelease() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(FakeResponse.eventStream(List.of("one", "two", "three")).holdAfter(1, release));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).isEqualTo("data: one\n\n");
      assertThat(body.available()).isZero();
      // The reader notes whether the release had happened when the second event reached it.
      FutureTask<String> rest =
          new FutureTask<>(() -> readEvent(body) + release.getCount() + readAll(body));
      Thread reader = start(rest);
      awaitBlockedOrDone(reader);
      assertThat(rest).isNotDone();

      release.countDown();

      assertThat(rest.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .isEqualTo("data: two\n\n" + 0 + "data: three\n\ndata: [DONE]\n\n");
    }
  }

  @Test
  void holdAfterZeroSendsTheHeadersButNoEvent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(FakeResponse.eventStream(List.of("one")).holdAfter(0, release));

    HttpResponse<InputStream> response = send(HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      FutureTask<String> all =
          new FutureTask<>(() -> readEvent(body) + release.getCount() + readAll(body));
      awaitBlockedOrDone(start(all));
      assertThat(all).isNotDone();
      release.countDown();
      assertThat(all.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .isEqualTo("data: one\n\n" + 0 + "data: [DONE]\n\n");
    }
  }

  @Test
  void stallAfterKeepsTheConnectionOpenUntilTheServerCloses() throws Exception {
    server.enqueue(FakeResponse.streamedChatCompletion("stalled", 3).stallAfter(2));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).contains("\"role\":\"assistant\"");
      assertThat(readEvent(body)).contains("\"content\":\"sta\"");
      FutureTask<String> rest = new FutureTask<>(() -> readAll(body));
      Thread reader = start(rest);
      awaitBlockedOrDone(reader);
      assertThat(rest).isNotDone();

      server.close();

      // The JDK client reports the closed connection, a chunked body without its last chunk.
      assertThatThrownBy(() -> rest.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(EOFException.class);
    }
  }

  @Test
  void stallAfterTheLastEventStillNeverEndsTheBody() throws Exception {
    server.enqueue(FakeResponse.eventStream(List.of("one")).stallAfter(2));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).isEqualTo("data: one\n\n");
      assertThat(readEvent(body)).isEqualTo("data: [DONE]\n\n");
      FutureTask<Integer> end = new FutureTask<>(body::read);
      awaitBlockedOrDone(start(end));
      assertThat(end).isNotDone();

      server.close();

      assertThatThrownBy(() -> end.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(EOFException.class);
    }
  }

  @Test
  void cutAfterDropsTheConnectionWithoutTheLastChunk() throws IOException {
    // The JDK client fails its body stream as soon as it sees the cut, dropping events it has
    // not handed over yet; holding at the same count cuts only once the test has read them.
    CountDownLatch read = new CountDownLatch(1);
    server.enqueue(
        FakeResponse.streamedChatCompletion("cut me off", 2).holdAfter(3, read).cutAfter(3));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).contains("\"role\":\"assistant\"");
      assertThat(readEvent(body)).contains("\"content\":\"cu\"");
      assertThat(readEvent(body)).contains("\"content\":\"t \"");
      read.countDown();

      // Not an end of stream: JDK 17 reports IOException "closed", caused by "chunked transfer
      // encoding, state: READING_LENGTH", caused by EOFException "EOF reached while reading".
      assertThatThrownBy(body::read)
          .isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(EOFException.class);
    }
  }

  @Test
  void cutAfterFailsAWholeBodyReadAndTheNextRequestStillWorks() {
    server.enqueue(FakeResponse.eventStream(List.of("one", "two")).cutAfter(1));

    assertThatThrownBy(() -> sendChecked(HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    HttpResponse<String> next = send(HttpResponse.BodyHandlers.ofString());

    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void cutAfterZeroSendsTheHeadersAndNoBody() throws IOException {
    server.enqueue(FakeResponse.rawEventStream("data: x\n\n").cutAfter(0));

    HttpResponse<InputStream> response = send(HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      assertThatThrownBy(body::read).isInstanceOf(IOException.class);
    }
  }

  @Test
  void closeReleasesAHeldStreamThatIsNeverReleased() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    server.enqueue(FakeResponse.eventStream(List.of("one", "two")).holdAfter(1, never));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).isEqualTo("data: one\n\n");
      FutureTask<String> rest = new FutureTask<>(() -> readAll(body));
      awaitBlockedOrDone(start(rest));

      server.close();

      assertThatThrownBy(() -> rest.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(EOFException.class);
      assertThat(never.getCount()).isOne();
    }
  }

  @Test
  void closeEndsAnEventDelay() throws Exception {
    server.enqueue(FakeResponse.eventStream(List.of("one", "two")).eventDelay(Duration.ofHours(1)));

    try (InputStream body = send(HttpResponse.BodyHandlers.ofInputStream()).body()) {
      assertThat(readEvent(body)).isEqualTo("data: one\n\n");
      FutureTask<String> rest = new FutureTask<>(() -> readAll(body));
      awaitBlockedOrDone(start(rest));

      server.close();

      assertThatThrownBy(() -> rest.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IOException.class)
          .hasRootCauseInstanceOf(EOFException.class);
    }
  }

  @Test
  void defaultStreamCanBeCutInChunksOfAGivenLength() {
    try (FakeOpenAiServer chunked = FakeOpenAiServer.builder().streamChunkLength(4).start()) {
      HttpResponse<String> response =
          new TestClient(chunked)
              .chat(
                  "{\"model\":\"m\",\"stream\":true,"
                      + "\"messages\":[{\"role\":\"user\",\"content\":\"abc def\"}]}");

      List<String> events = TestClient.events(response.body());
      List<Object> pieces =
          events.subList(1, events.size() - 2).stream()
              .map(event -> path((Map<?, ?>) Json.parse(event), "choices", 0, "delta", "content"))
              .collect(Collectors.toList());
      assertThat(pieces).containsExactly("Echo", ": ab", "c de", "f");
    }
    assertThatThrownBy(() -> FakeOpenAiServer.builder().streamChunkLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunkLength");
  }

  private <T> HttpResponse<T> send(HttpResponse.BodyHandler<T> handler) {
    return sendRequest("POST", "/v1/chat/completions", chatRequest("m", "hi there"), handler);
  }

  private <T> HttpResponse<T> sendChecked(HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return http.send(
        TestClient.request(
                server, "POST", "/v1/chat/completions", chatRequest("m", "hi there"), "sk-test")
            .build(),
        handler);
  }

  private <T> HttpResponse<T> sendRequest(
      String method, String path, String body, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(TestClient.request(server, method, path, body, "sk-test").build(), handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads up to and including the next blank line ({@code \n\n} or {@code \r\n\r\n}). */
  private static String readEvent(InputStream in) throws IOException {
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      event.write(b);
      String text = event.toString(StandardCharsets.UTF_8);
      if (text.endsWith("\n\n") || text.endsWith("\r\n\r\n")) {
        return text;
      }
    }
    throw new IOException("The stream ended inside an event: " + event);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static <T> Thread start(FutureTask<T> task) {
    Thread thread = new Thread(task, "stream-reader");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Waits until the reader is parked waiting for data (the JDK client's body stream blocks on a
   * queue) or has finished; a reader that finished early has read what the server held back.
   */
  private static void awaitBlockedOrDone(Thread reader) throws InterruptedException {
    long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (true) {
      Thread.State state = reader.getState();
      if (state == Thread.State.WAITING
          || state == Thread.State.TIMED_WAITING
          || state == Thread.State.TERMINATED) {
        return;
      }
      if (System.nanoTime() > guard) {
        fail("The reader neither blocked nor finished: " + state);
      }
      Thread.sleep(1);
    }
  }
}
