package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.StreamChunks.hello;
import static dev.openaiconnector.openai.StreamChunks.readAll;
import static dev.openaiconnector.openai.StreamChunks.text;
import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider over what production talks to: HTTP/2 over TLS ({@link Http2TlsProxy} in front of
 * the fake server). The other tests run over plain HTTP/1.1 on the loopback; this path has the
 * JDK client's TLS and HTTP/2 code (frames, flow control, one connection for every call) under
 * the provider's body handling and deadlines.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenAiHttp2TlsTest {
  // One certificate for the class: keytool starts a JVM of its own.
  @TempDir static Path keys;

  private FakeOpenAiServer server;
  private Http2TlsProxy proxy;
  private OpenAiProvider provider;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    proxy = Http2TlsProxy.start(server.baseUrl(), keys);
    provider =
        OpenAiProvider.builder()
            .apiKey("sk-test-h2")
            .baseUrl(proxy.baseUrl().toString())
            .network(proxy.network())
            .requestTimeout(Duration.ofMinutes(5))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    provider.close();
    server.close();
    proxy.close();
  }

  private String ping(String text) {
    return provider
        .chat()
        .complete(ChatRequest.builder().model("gpt-4o-mini").user(text).build(), soon())
        .content();
  }

  private ConnectorException failureOf(String text, Deadline deadline) {
    return catchThrowableOfType(
        ConnectorException.class,
        () ->
            provider
                .chat()
                .complete(ChatRequest.builder().model("gpt-4o-mini").user(text).build(), deadline));
  }

  @Test
  void chatsOverHttp2WithTheRequestIdAndRateLimits() {
    ChatResponse response =
        provider
            .chat()
            .complete(ChatRequest.builder().model("gpt-4o-mini").user("ping").build(), soon());

    assertThat(response.content()).isEqualTo("Echo: ping");
    assertThat(response.requestId()).hasValue("req_fake_1");
    assertThat(response.rateLimits().requestLimit()).isEqualTo(10_000L);
    assertThat(proxy.versions()).containsExactly(HttpVersion.HTTP_2);
    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer sk-test-h2");
  }

  @Test
  void streamsOverHttp2EventByEvent() {
    server.enqueue(
        FakeResponse.streamedChatCompletion("Streaming over HTTP/2, a piece at a time.", 3)
            .eventDelay(Duration.ofMillis(2)));

    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("Streaming over HTTP/2, a piece at a time.");
      assertThat(source.requestId()).isEqualTo("req_fake_1");
    }
    assertThat(proxy.versions()).containsExactly(HttpVersion.HTTP_2);
  }

  @Test
  void concurrentCallsShareOneConnection() throws Exception {
    // Calls that start together before any connection exists each open one (the JDK client's
    // way); once one is open, every call goes over it.
    assertThat(ping("first")).isEqualTo("Echo: first");
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String question = "question " + i;
        answers.add(
            callers.submit(
                () ->
                    provider
                        .chat()
                        .complete(
                            ChatRequest.builder().model("gpt-4o-mini").user(question).build(),
                            soon())
                        .content()));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).get()).isEqualTo("Echo: question " + i);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(proxy.versions()).hasSize(33).containsOnly(HttpVersion.HTTP_2);
    assertThat(proxy.connectionCount()).isEqualTo(1);
  }

  @Test
  void readsALargeResponsePastHttp2sFlowControlWindow() {
    // 256 vectors of 1,536 floats in base64: about 2 MB, thirty-odd times the initial window.
    List<String> inputs = IntStream.range(0, 256).mapToObj(i -> "text number " + i).toList();

    EmbeddingResponse response =
        provider
            .embeddings()
            .orElseThrow()
            .embed(
                EmbeddingRequest.builder()
                    .model("text-embedding-3-small")
                    .inputs(inputs)
                    .build(),
                soon());

    assertThat(response.embeddings()).hasSize(256);
    assertThat(response.embeddings()).allSatisfy(e -> assertThat(e.vector()).hasSize(1536));
    assertThat(proxy.versions()).containsExactly(HttpVersion.HTTP_2);
  }

  @Test
  void mapsAnErrorOverHttp2ToItsTypeWithStatusCodeAndRequestId() {
    server.enqueue(
        FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
            .header("x-request-id", "req_h2_429"));

    ConnectorException failure = failureOf("ping", soon());

    assertThat(failure).isExactlyInstanceOf(RateLimitException.class);
    assertThat(failure.status()).hasValue(429);
    assertThat(failure.errorCode()).hasValue("rate_limit_exceeded");
    assertThat(failure.requestId()).hasValue("req_h2_429");
  }

  @Test
  void endsABodyThatStallsAtTheCallsDeadlineAndKeepsTheConnectionForTheNextCall() {
    // The connection first, so that the short deadline below is spent waiting for the body, not
    // on a TLS handshake in a cold JVM.
    assertThat(ping("first")).isEqualTo("Echo: first");
    server.enqueue(FakeResponse.chatCompletion("A long answer that stalls").bodyStallAfter(20));

    ConnectorException failure = failureOf("Hello", Deadline.after(Duration.ofMillis(300)));

    assertThat(failure).isInstanceOf(RequestTimeoutException.class);
    assertThat(failure.getMessage()).contains("body");
    // Only that stream was reset: the next call goes over the same connection.
    assertThat(ping("again")).isEqualTo("Echo: again");
    assertThat(proxy.versions()).containsOnly(HttpVersion.HTTP_2);
    assertThat(proxy.connectionCount()).isEqualTo(1);
  }
}
