package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatResult;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.openai.MaxTokensField;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.openai.internal.CallTimeouts;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto;
import dev.openaiconnector.openai.internal.ChatMapping;
import dev.openaiconnector.openai.internal.DeadlineClient;
import dev.openaiconnector.openai.internal.ErrorResponseDto;
import dev.openaiconnector.openai.internal.HttpFailures;
import dev.openaiconnector.openai.internal.OpenAiChatPort;
import dev.openaiconnector.openai.internal.OpenAiTransport;
import dev.openaiconnector.openai.internal.Redactor;
import dev.openaiconnector.openai.internal.Sender;
import dev.openaiconnector.openai.internal.WireLog;
import dev.openaiconnector.spi.Deadline;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a chat call costs on the caller's thread, without the network: the OpenAI provider's chat
 * port ({@link #library}) and the reference ({@link #reference}) on an {@link HttpClient} that
 * answers every request from memory, at once, with the {@link ChatBenchmark}'s answer and headers.
 * The provider's part is all of it from the request to the {@code ChatResponse} (the DTOs, the
 * JSON both ways, Feign's request and response, the JDK's request, the body's deadline watch, the
 * headers read); the JDK client's own work is left out on both sides. Core, which adds about 1 %
 * to a call (benchmarks README), is left out too: the port is called directly.
 *
 * <p>Why: in {@link ChatBenchmark} the provider's extra work is a few percent of a call, under the
 * noise of the HTTP client's and the server's threads sharing two cores; here it is all there is,
 * steady to a few percent over three forks, and a profile of it shows nothing else. This is what
 * found that Feign's {@code Response} copying the headers was half of it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class CallerPathBenchmark {
  private OpenAiChatPort port;
  private ReferenceClient reference;
  private ScheduledThreadPoolExecutor scheduler;

  /** Builds the port and the reference over the in-memory client, once per fork. */
  @Setup(Level.Trial)
  public void start() {
    URI root = URI.create("http://127.0.0.1:1");
    URI url = URI.create(root + "/chat/v1/chat/completions");
    HttpClient http = new InMemoryHttpClient(Answers.chatBody().getBytes(StandardCharsets.UTF_8));
    reference = new ReferenceClient(root, "/chat/v1", http);

    // The provider's chat port, wired as OpenAiCompatible wires it, on the in-memory client.
    scheduler = OpenAiTransport.scheduler("benchmark");
    ObjectMapper mapper = OpenAiTransport.objectMapper();
    Authentication authentication = Authentication.bearer(Secret.of("sk-benchmark"));
    HttpFailures failures =
        new HttpFailures(
            "openai", "OpenAI", mapper.readerFor(ErrorResponseDto.class), Redactor.NO_KEY);
    port =
        new OpenAiChatPort(
            OpenAiTransport.api(
                new DeadlineClient(http, Network.jvmDefaults(), scheduler, WireLog.OFF, failures),
                mapper,
                authentication,
                Map.of("User-Agent", "openai-connector-java/benchmark")),
            new FixedEndpoint(url),
            new Sender(
                authentication,
                failures,
                new CallTimeouts(ReferenceClient.CONNECT_TIMEOUT, ReferenceClient.REQUEST_TIMEOUT),
                WireLog.OFF),
            new ChatMapping(MaxTokensField.MAX_COMPLETION_TOKENS),
            mapper.readerFor(ChatCompletionResponseDto.class),
            failures,
            WireLog.OFF);
  }

  /** Stops the port's scheduler. */
  @TearDown(Level.Trial)
  public void stop() {
    scheduler.shutdownNow();
  }

  /**
   * One call through the provider's chat port.
   *
   * @return the answer
   */
  @Benchmark
  public ChatResponse library() {
    ChatResponse response =
        port.complete(
            ChatRequest.builder()
                .model(Answers.MODEL)
                .system(Answers.SYSTEM)
                .user(Answers.USER)
                .maxTokens(200)
                .build(),
            Deadline.after(ReferenceClient.REQUEST_TIMEOUT));
    if (!response.content().equals(Answers.CHAT_CONTENT)
        || response.usage().totalTokens() != Answers.CHAT_TOKENS[2]
        || response.requestId().isEmpty()
        || response.rateLimits().remainingTokens() == null) {
      throw new IllegalStateException("unexpected answer " + response);
    }
    return response;
  }

  /**
   * The same call through the reference.
   *
   * @return the answer
   */
  @Benchmark
  public ChatResult reference() {
    return ChatBenchmark.reference(reference);
  }

  /** The chat URL for every model. */
  private static final class FixedEndpoint implements Endpoints {
    private final URI url;

    FixedEndpoint(URI url) {
      this.url = url;
    }

    @Override
    public URI uri(Operation operation, String model) {
      return url;
    }

    @Override
    public String bodyModel(Operation operation, String model) {
      return model;
    }
  }

  /**
   * Answers every request at once with one body and the loopback server's headers, as the JDK
   * client hands a received answer over: a new case-insensitive header map per response, the body
   * in a buffer of its own pushed through the handler's subscriber. Only {@code send} works.
   */
  static final class InMemoryHttpClient extends HttpClient {
    private static final Map<String, List<String>> HEADERS = headers();

    private final byte[] body;

    InMemoryHttpClient(byte[] body) {
      this.body = body;
    }

    private static Map<String, List<String>> headers() {
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line : LoopbackServer.commonHeaders("application/json").split("\r\n")) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon), List.of(line.substring(colon + 1).strip()));
      }
      return headers;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      Map<String, List<String>> received = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      HEADERS.forEach((name, values) -> received.put(name, new ArrayList<>(values)));
      received.put("Content-Length", new ArrayList<>(List.of(String.valueOf(body.length))));
      HttpHeaders headers = HttpHeaders.of(received, (name, value) -> true);
      HttpResponse.BodySubscriber<T> subscriber =
          handler.apply(new Received<>(request, headers, null));
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onNext(List.of(ByteBuffer.wrap(body.clone())));
      subscriber.onComplete();
      return new Received<>(request, headers, subscriber.getBody().toCompletableFuture().join());
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      throw new UnsupportedOperationException("send only");
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request,
        HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      throw new UnsupportedOperationException("send only");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.of(ReferenceClient.CONNECT_TIMEOUT);
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      throw new UnsupportedOperationException("cleartext only");
    }

    @Override
    public SSLParameters sslParameters() {
      throw new UnsupportedOperationException("cleartext only");
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }

  /** A 200 answer: the response info given to the body handler, then the response. */
  private static final class Received<T> implements HttpResponse<T>, HttpResponse.ResponseInfo {
    private final HttpRequest request;
    private final HttpHeaders headers;
    private final T body;

    Received(HttpRequest request, HttpHeaders headers, T body) {
      this.request = request;
      this.headers = headers;
      this.body = body;
    }

    @Override
    public int statusCode() {
      return 200;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return headers;
    }

    @Override
    public T body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
