package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.chatRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-answer faults: no headers, a reset, a body that stalls or is cut, repeats. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FakeOpenAiServerFaultsTest {
  private static final long GUARD_SECONDS = 10;

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    server.close();
  }

  private CompletableFuture<HttpResponse<InputStream>> sendAsync() {
    return http.sendAsync(
        TestClient.request(server, "POST", "/v1/chat/completions", chatRequest("m", "x"), "sk-t")
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private List<Thread> handlerThreads() {
    String prefix = "fake-openai-" + server.port() + "-handler-";
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive())
        .toList();
  }

  @Test
  void noHeadersRecordsTheRequestAndNeverAnswers() {
    server.enqueue(FakeResponse.noHeaders());

    assertThatThrownBy(() -> client.chatWithTimeout(chatRequest("m", "x"), Duration.ofMillis(200)))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(server.takeRequest().path()).isEqualTo("/v1/chat/completions");
    assertThat(FakeResponse.noHeaders()).hasToString("FakeResponse[no headers]");
  }

  @Test
  void noHeadersEndsItsHandlerAndDropsTheConnectionWhenTheServerStops() throws Exception {
    server.enqueue(FakeResponse.noHeaders());
    CompletableFuture<HttpResponse<InputStream>> response = sendAsync();
    server.takeRequest();
    assertThat(response).isNotDone();

    server.close();

    assertThatThrownBy(() -> response.get(GUARD_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class);
    assertThat(handlerThreads()).isEmpty();
  }

  @Test
  void resetConnectionClosesTheConnectionWithoutAnAnswer() {
    server.enqueue(FakeResponse.resetConnection());

    assertThatThrownBy(() -> sendAsync().get(GUARD_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(client.chat(chatRequest("m", "after")).statusCode()).isEqualTo(200);
  }

  @Test
  void bodyStallAfterSendsTheFullLengthButOnlyThePrefix() throws Exception {
    server.enqueue(FakeResponse.json(200, "{\"answer\":\"a body that stalls\"}").bodyStallAfter(10));

    HttpResponse<InputStream> response = sendAsync().get(GUARD_SECONDS, TimeUnit.SECONDS);
    try (InputStream body = response.body()) {
      assertThat(response.headers().firstValue("content-length")).hasValue("31");
      assertThat(new String(body.readNBytes(10), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("{\"answer\":");
      FutureTask<Integer> next = new FutureTask<>(body::read);
      Thread reader = new Thread(next, "stalled-reader");
      reader.setDaemon(true);
      reader.start();
      assertThatThrownBy(() -> next.get(200, TimeUnit.MILLISECONDS))
          .isInstanceOf(java.util.concurrent.TimeoutException.class);

      server.close();

      assertThatThrownBy(() -> next.get(GUARD_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class);
    }
    assertThat(handlerThreads()).isEmpty();
  }

  @Test
  void bodyCutAfterClosesTheConnectionMidBody() {
    server.enqueue(FakeResponse.chatCompletion("A long answer that is cut").bodyCutAfter(20));

    assertThatThrownBy(() -> client.chat(chatRequest("m", "x")))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .cause()
        .isInstanceOf(IOException.class);
    assertThat(client.chat(chatRequest("m", "after")).body()).contains("Echo: after");
  }

  @Test
  void bodyFaultsPastTheLengthSendTheWholeBody() {
    server.enqueue(FakeResponse.json(200, "{\"a\":1}").bodyCutAfter(100));

    assertThat(client.chat(chatRequest("m", "x")).body()).isEqualTo("{\"a\":1}");
  }

  @Test
  void bodyFaultsApplyToPlainAnswersOnly() {
    FakeResponse stream = FakeResponse.eventStream(List.of("{}"));

    assertThatThrownBy(() -> stream.bodyStallAfter(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stallAfter");
    assertThatThrownBy(() -> stream.bodyCutAfter(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cutAfter");
    assertThatThrownBy(() -> FakeResponse.noHeaders().bodyCutAfter(1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> FakeResponse.resetConnection().stallAfter(1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> FakeResponse.json(200, "{}").bodyStallAfter(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void enqueueTimesAnswersThatManyRequestsThenTheDefault() {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"), 2);

    assertThat(client.chat(chatRequest("m", "1")).statusCode()).isEqualTo(503);
    assertThat(client.chat(chatRequest("m", "2")).statusCode()).isEqualTo(503);
    assertThat(client.chat(chatRequest("m", "3")).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> server.enqueue(FakeResponse.json(200, "{}"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void htmlErrorPageLooksLikeAProxysPage() {
    server.enqueue(FakeResponse.htmlErrorPage(502));

    HttpResponse<String> response = client.chat(chatRequest("m", "x"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/html");
    assertThat(response.body()).startsWith("<html>").contains("<title>502 Bad Gateway</title>");
  }

  @Test
  void defaultChatAnswersCarryDeterministicRateLimits() {
    client.chat(chatRequest("m", "first"));
    HttpHeaders second = client.chat(chatRequest("m", "second")).headers();

    assertThat(second.firstValue("x-ratelimit-limit-requests")).hasValue("10000");
    assertThat(second.firstValue("x-ratelimit-remaining-requests")).hasValue("9998");
    assertThat(second.firstValue("x-ratelimit-reset-requests")).hasValue("6ms");
    assertThat(second.firstValue("x-ratelimit-limit-tokens")).hasValue("200000");
    assertThat(second.firstValue("x-ratelimit-remaining-tokens")).hasValue("199900");
    assertThat(second.firstValue("x-ratelimit-reset-tokens")).hasValue("15ms");
  }

  @Test
  void streamedAndScriptedChatAnswersCarryRateLimitsToo() {
    server.enqueue(FakeResponse.chatCompletion("scripted"));
    server.enqueue(FakeResponse.streamedChatCompletion("scripted", 3));

    HttpHeaders scripted = client.chat(chatRequest("m", "x")).headers();
    HttpHeaders streamed = client.chat(chatRequest("m", "x")).headers();
    HttpHeaders defaultStream =
        client
            .chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
            .headers();

    assertThat(scripted.firstValue("x-ratelimit-remaining-requests")).hasValue("9999");
    assertThat(streamed.firstValue("x-ratelimit-remaining-requests")).hasValue("9998");
    assertThat(defaultStream.firstValue("x-ratelimit-remaining-requests")).hasValue("9997");
  }

  @Test
  void aRateLimitedAnswerHasNothingRemainingUntilItsRetryAfter() {
    server.enqueue(FakeResponse.rateLimited(Duration.ofSeconds(2)));
    server.enqueue(FakeResponse.error(429, "insufficient_quota", "insufficient_quota", "Quota"));

    HttpHeaders limited = client.chat(chatRequest("m", "x")).headers();
    HttpHeaders quota = client.chat(chatRequest("m", "x")).headers();

    assertThat(limited.firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(limited.firstValue("x-ratelimit-reset-requests")).hasValue("2s");
    assertThat(limited.firstValue("x-ratelimit-reset-tokens")).hasValue("2s");
    assertThat(quota.firstValue("x-ratelimit-remaining-tokens")).hasValue("0");
    assertThat(quota.firstValue("x-ratelimit-reset-requests")).hasValue("1s");
  }

  @Test
  void aScriptWithItsOwnRateLimitsGetsNoneOfTheServers() {
    server.enqueue(FakeResponse.chatCompletion("x").header("x-ratelimit-remaining-tokens", "5"));
    server.enqueue(FakeResponse.error(500, "server_error", null, "Boom"));

    HttpHeaders own = client.chat(chatRequest("m", "x")).headers();
    HttpHeaders error = client.chat(chatRequest("m", "x")).headers();

    assertThat(own.allValues("x-ratelimit-remaining-tokens")).containsExactly("5");
    assertThat(own.firstValue("x-ratelimit-limit-requests")).isEmpty();
    assertThat(error.firstValue("x-ratelimit-limit-requests")).isEmpty();
  }
}
