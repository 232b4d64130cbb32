package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.openai.internal.ChatChunkDecoder;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto;
import dev.openaiconnector.openai.internal.ErrorResponseDto;
import dev.openaiconnector.openai.internal.HttpFailures;
import dev.openaiconnector.openai.internal.OpenAiEventSource;
import dev.openaiconnector.openai.internal.OpenAiTransport;
import dev.openaiconnector.openai.internal.Redactor;
import dev.openaiconnector.openai.internal.ServerSentEventReader;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of reading a streamed chat completion of 50 events (a role chunk, 47 content chunks,
 * a finish chunk and a usage chunk, then {@code [DONE]}; about 12 KB), split so that parsing and
 * HTTP can be told apart:
 *
 * <ul>
 *   <li>{@link #providerOverLoopback}: the whole provider, {@code chatStream().open(request)} and
 *       every delta, against a loopback server that answers every call with the same bytes;
 *   <li>{@link #jdkClientLinesOverLoopback}: the same POST through a plain JDK {@link HttpClient}
 *       (HTTP/1.1), reading the same body line by line, without JSON: the HTTP floor;
 *   <li>{@link #readerAndDecoderInMemory}: the provider's SSE reader and chunk decoder over the
 *       same bytes in memory, no network: the parsing cost;
 *   <li>{@link #readerOnlyInMemory} and {@link #bufferedReaderLinesInMemory}: splitting into
 *       events without JSON, ours against {@link BufferedReader#readLine()}.
 * </ul>
 *
 * <p>The HTTP benchmarks warm up longer: the JDK client's asynchronous stack needs a few thousand
 * calls before its time settles. The in-memory benchmarks use the provider's {@code internal}
 * classes, which no production code outside the provider may do; there is no public API for
 * parsing without a connection.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Without TCP_NODELAY the JDK server's small writes meet the client's delayed ACK, and every call
// waits 40 ms: that would measure the kernel, not the client. Real API servers set it too.
@Fork(value = 2, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class StreamParsingBenchmark {
  /** The events in the stream, {@code [DONE]} not counted. */
  static final int EVENTS = 50;

  private static final String REQUEST_JSON =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}],"
          + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

  /** The same 50-event stream in memory, and what the decoder needs. */
  @State(Scope.Benchmark)
  public static class InMemory {
    byte[] stream;
    ObjectReader chunkReader;
    HttpFailures failures;
    ErrorDetails details;

    /** Builds the stream and the readers, once per fork. */
    @Setup(Level.Trial)
    public void build() {
      stream = StreamBodies.fiftyEvents();
      ObjectMapper mapper = OpenAiTransport.objectMapper();
      chunkReader = mapper.readerFor(ChatCompletionChunkDto.class);
      failures = new HttpFailures(
              "openai", "OpenAI", mapper.readerFor(ErrorResponseDto.class), Redactor.NO_KEY);
      details = new ErrorDetails("openai", 200, null, null, null, null, null);
    }
  }

  /** A loopback server that answers every call with the 50-event stream, and the two clients. */
  @State(Scope.Benchmark)
  public static class Loopback {
    byte[] stream;
    HttpServer server;
    ExecutorService serverThreads;
    OpenAiProvider provider;
    ChatStreamPort port;
    ChatRequest request;
    HttpClient jdkClient;
    HttpRequest jdkRequest;

    /**
     * Starts the server and the clients, once per fork.
     *
     * @throws IOException if the server cannot start
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
      stream = StreamBodies.fiftyEvents();
      serverThreads = Executors.newFixedThreadPool(2);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(serverThreads);
      server.createContext("/", this::answer);
      server.start();
      URI baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");

      provider = OpenAiProvider.builder().apiKey("sk-bench").baseUrl(baseUrl.toString()).build();
      port = provider.chatStream().orElseThrow();
      request = ChatRequest.builder().model("gpt-4o-mini").user("Hello there").build();

      jdkClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      jdkRequest =
          HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
              .header("Content-Type", "application/json")
              .header("Accept", "text/event-stream")
              .header("Authorization", "Bearer sk-bench")
              .POST(HttpRequest.BodyPublishers.ofString(REQUEST_JSON))
              .build();
    }

    // Chunked (no Content-Length) like OpenAI's streams, so Feign hands on the unbuffered body.
    private void answer(HttpExchange exchange) throws IOException {
      try (exchange) {
        try (InputStream in = exchange.getRequestBody()) {
          in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("x-request-id", "req_bench");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(stream);
        }
      }
    }

    /** Stops the server and the clients. */
    @TearDown(Level.Trial)
    public void stop() {
      provider.close();
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }

  /**
   * (a) The provider end to end over loopback HTTP.
   *
   * @param loopback the server and the provider
   * @param blackhole sink for the deltas
   * @return the number of deltas
   */
  @Benchmark
  @Warmup(iterations = 5, time = 2)
  public int providerOverLoopback(Loopback loopback, Blackhole blackhole) {
    int deltas = 0;
    try (ChatEventSource source = loopback.port.open(loopback.request, Deadline.after(Duration.ofMinutes(1)))) {
      for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
        blackhole.consume(delta);
        deltas++;
      }
    }
    return check(deltas, EVENTS);
  }

  /**
   * (b) A plain JDK client over loopback HTTP, lines only.
   *
   * @param loopback the server and the JDK client
   * @param blackhole sink for the lines
   * @return the number of {@code data:} lines, {@code [DONE]} included
   * @throws IOException if the call fails
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  @Warmup(iterations = 5, time = 2)
  public int jdkClientLinesOverLoopback(Loopback loopback, Blackhole blackhole)
      throws IOException, InterruptedException {
    HttpResponse<Stream<String>> response =
        loopback.jdkClient.send(loopback.jdkRequest, HttpResponse.BodyHandlers.ofLines());
    int data = 0;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        blackhole.consume(line);
        if (line.startsWith("data:")) {
          data++;
        }
      }
    }
    return check(data, EVENTS + 1);
  }

  /**
   * (c) The provider's SSE reader and chunk decoder over the bytes in memory.
   *
   * @param memory the stream and the readers
   * @param blackhole sink for the deltas
   * @return the number of deltas
   */
  @Benchmark
  public int readerAndDecoderInMemory(InMemory memory, Blackhole blackhole) {
    int deltas = 0;
    try (OpenAiEventSource source =
        new OpenAiEventSource(
            "openai",
            new ByteArrayInputStream(memory.stream),
            new ChatChunkDecoder(memory.chunkReader, memory.failures, memory.details, ""),
            memory.details,
            null,
            Duration.ZERO,
            released -> {},
            RateLimits.NONE)) {
      for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
        blackhole.consume(delta);
        deltas++;
      }
    }
    return check(deltas, EVENTS);
  }

  /**
   * (d) The provider's SSE reader alone over the bytes in memory: events, no JSON.
   *
   * @param memory the stream
   * @param blackhole sink for the event data
   * @return the number of events, {@code [DONE]} included
   * @throws IOException never, the stream is in memory
   */
  @Benchmark
  public int readerOnlyInMemory(InMemory memory, Blackhole blackhole) throws IOException {
    ServerSentEventReader reader =
        new ServerSentEventReader(new ByteArrayInputStream(memory.stream));
    int events = 0;
    while (reader.next()) {
      blackhole.consume(reader.dataLength());
      events++;
    }
    return check(events, EVENTS + 1);
  }

  /**
   * (e) {@link BufferedReader#readLine()} over the bytes in memory, decoding to strings: what a
   * line-based reader would pay before any JSON.
   *
   * @param memory the stream
   * @param blackhole sink for the lines
   * @return the number of {@code data:} lines, {@code [DONE]} included
   * @throws IOException never, the stream is in memory
   */
  @Benchmark
  public int bufferedReaderLinesInMemory(InMemory memory, Blackhole blackhole)
      throws IOException {
    int data = 0;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(
                new ByteArrayInputStream(memory.stream), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        blackhole.consume(line);
        if (line.startsWith("data:")) {
          data++;
        }
      }
    }
    return check(data, EVENTS + 1);
  }

  // A benchmark that silently read nothing would report a wonderful time.
  private static int check(int actual, int expected) {
    if (actual != expected) {
      throw new UncheckedIOException(
          new IOException("expected " + expected + " items but read " + actual));
    }
    return actual;
  }
}
