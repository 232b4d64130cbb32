package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import feign.Request;
import feign.RequestTemplate;
import com.sun.net.httpserver.HttpServer;
import feign.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeadlineClient} is a Feign {@link feign.Client}: it sends requests built by Feign's own
 * templates (which name their {@code Content-Length}, a header the JDK client refuses to be given)
 * and answers with Feign's {@link Response}, whose body carries the headers and what was read from
 * them ({@link DeadlineClient#received}).
 */
class DeadlineClientTest {
  private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

  private final FakeOpenAiServer server = FakeOpenAiServer.builder().apiKey("sk-test").start();
  private final ScheduledThreadPoolExecutor scheduler = OpenAiTransport.scheduler("test");
  private final DeadlineClient client =
      new DeadlineClient(
          OpenAiTransport.httpClient(
              server.baseUrl(), Duration.ofSeconds(5), Network.jvmDefaults()),
          Network.jvmDefaults(),
          scheduler,
          WireLog.OFF,
          new HttpFailures(
              "openai",
              "OpenAI",
              OpenAiTransport.objectMapper().readerFor(ErrorResponseDto.class),
              Redactor.NO_KEY));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    server.close();
  }

  private Request templated(String accept) {
    RequestTemplate template = new RequestTemplate();
    template.method(Request.HttpMethod.POST);
    template.target(server.baseUrl() + "/chat/completions");
    template.header("Authorization", "Bearer sk-test");
    template.header("Content-Type", "application/json");
    template.header("Accept", accept);
    RequestTemplate resolved = template.resolve(Map.of());
    resolved.body(BODY.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    return resolved.request();
  }

  private static Request.Options options() {
    return new Request.Options(5, TimeUnit.SECONDS, 5, TimeUnit.SECONDS, false);
  }

  @Test
  void sendsARequestBuiltByFeignsTemplatesAndReceivesThePlainBodyWhole() throws IOException {
    Request request = templated("application/json");
    assertThat(request.headers()).containsKey("Content-Length");
    server.enqueue(FakeResponse.chatCompletion("Hello there"));

    try (Response response = client.execute(request, options())) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(DeadlineClient.received(response).headers().get("CONTENT-TYPE"))
          .singleElement()
          .asString()
          .startsWith("application/json");
      byte[] body = response.body().asInputStream().readAllBytes();
      assertThat(response.body().length()).isEqualTo(body.length);
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("Hello there");
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.header("Content-Length")).hasValue(String.valueOf(BODY.length()));
    assertThat(sent.header("Authorization")).hasValue("Bearer sk-test");
    assertThat(sent.body()).isEqualTo(BODY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate"})
  void decodesACompressedPlainBody(String encoding) throws IOException {
    byte[] json = "{\"id\":\"chatcmpl-1\"}".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    // HTTP's deflate is the zlib format, which DeflaterOutputStream writes.
    try (OutputStream out =
        encoding.equals("gzip")
            ? new GZIPOutputStream(compressed)
            : new DeflaterOutputStream(compressed)) {
      out.write(json);
    }
    try (Response response =
        executeAgainst(Map.of("Content-Encoding", List.of(encoding)), compressed.toByteArray())) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body().asInputStream().readAllBytes()).isEqualTo(json);
      // The decoded length is not known in advance.
      assertThat(response.body().length()).isNull();
    }
  }

  @Test
  void failsOnAGzipBodyThatIsNotGzip() {
    byte[] notGzip = "{\"id\":\"chatcmpl-1\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(
            () -> executeAgainst(Map.of("Content-Encoding", List.of("gzip")), notGzip).close())
        .isInstanceOf(ZipException.class);
  }

  @Test
  void keepsEveryHeaderAndReadsTheRequestIdAndRateLimitsAsTheyArrive() throws IOException {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> sent =
        Map.of(
            "x-request-id", List.of("req_123"),
            "Set-Cookie", List.of("a=1", "b=2"),
            "x-ratelimit-remaining-tokens", List.of("99"),
            "x-ratelimit-reset-tokens", List.of("1m30s"));

    try (Response response = executeAgainst(sent, json)) {
      DeadlineClient.ReceivedBody received = DeadlineClient.received(response);
      Map<String, Collection<String>> headers = received.headers();

      assertThat(headers.get("X-Request-Id")).containsExactly("req_123");
      assertThat(headers.get("set-cookie")).containsExactly("a=1", "b=2");
      assertThat(headers.get("content-type")).containsExactly("application/json");
      assertThat(headers.get("content-length")).containsExactly("2");
      assertThatThrownBy(() -> headers.put("x-other", List.of("1")))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(received.details().status()).isEqualTo(200);
      assertThat(received.details().requestId()).isEqualTo("req_123");
      assertThat(received.rateLimits())
          .isEqualTo(new RateLimits(null, null, null, null, 99L, Duration.ofSeconds(90)));
      assertThat(response.body().asInputStream().readAllBytes()).isEqualTo(json);
    }
  }

  @Test
  void readsTheRequestIdAndRateLimitsOfAStreamToo() throws IOException {
    server.enqueue(FakeResponse.streamedChatCompletion("Hello", 5));

    try (Response response = client.execute(templated("text/event-stream"), options())) {
      DeadlineClient.ReceivedBody received = DeadlineClient.received(response);

      assertThat(received.details().status()).isEqualTo(200);
      assertThat(received.details().requestId()).isEqualTo("req_fake_1");
      assertThat(received.rateLimits().remainingRequests()).isEqualTo(9999L);
      assertThat(received.rateLimits().tokensReset()).isEqualTo(Duration.ofMillis(15));
    }
  }

  @Test
  void refusesAResponseItDidNotReceive() {
    Response response =
        Response.builder()
            .request(
                Request.create(
                    Request.HttpMethod.POST, "http://127.0.0.1/", Map.of(), null, null, null))
            .status(200)
            .body(new byte[0])
            .build();

    assertThatThrownBy(() -> DeadlineClient.received(response))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a response of DeadlineClient");
  }

  // A server that answers every call with these bytes and headers, besides its Content-Type; the
  // fake OpenAI server sends text bodies only.
  private Response executeAgainst(Map<String, List<String>> headers, byte[] body)
      throws IOException {
    HttpServer raw = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    raw.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().putAll(headers);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    raw.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + raw.getAddress().getPort() + "/chat/completions");
      Request request =
          Request.create(
              Request.HttpMethod.POST,
              url.toString(),
              Map.of("Content-Type", List.of("application/json")),
              BODY.getBytes(StandardCharsets.UTF_8),
              StandardCharsets.UTF_8,
              null);
      return client.execute(request, options());
    } finally {
      raw.stop(0);
    }
  }

  @Test
  void handsAnEventStreamOverUnread() throws IOException {
    server.enqueue(FakeResponse.eventStream(List.of("{\"n\":1}", "{\"n\":2}")));

    try (Response response = client.execute(templated("text/event-stream"), options())) {
      assertThat(response.status()).isEqualTo(200);
      InputStream in = response.body().asInputStream();
      assertThat(in).isNotInstanceOf(DeadlineClient.BufferedBody.class);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("data: {\"n\":1}")
          .contains("data: {\"n\":2}");
    }
  }
}
