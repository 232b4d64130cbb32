package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.EmbeddingOptions;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.openai.internal.CallTimeouts;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto;
import dev.openaiconnector.openai.internal.DeadlineClient;
import dev.openaiconnector.openai.internal.EmbeddingRequestDto;
import dev.openaiconnector.openai.internal.ErrorResponseDto;
import dev.openaiconnector.openai.internal.HttpFailures;
import dev.openaiconnector.openai.internal.ImageRequestDto;
import dev.openaiconnector.openai.internal.OpenAiEmbeddingsPort;
import dev.openaiconnector.openai.internal.OpenAiHttpApi;
import dev.openaiconnector.openai.internal.OpenAiTransport;
import dev.openaiconnector.openai.internal.Redactor;
import dev.openaiconnector.openai.internal.Sender;
import dev.openaiconnector.openai.internal.WireLog;
import dev.openaiconnector.spi.Deadline;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
 * Embedding a corpus, and reading one embeddings body, against what a plain client does.
 *
 * <ul>
 *   <li>{@link #embedCorpusParallel} and {@link #embedCorpusSequential}: 10,000 short texts
 *       through {@link Connector#embedAll(EmbeddingRequest)} (core and the OpenAI provider) against
 *       a loopback server that waits 50 ms per request, then answers one base64 vector of 1536
 *       dimensions per input; 2048 inputs per request make 5 requests, 4 at a time (the default)
 *       or one after the other. The score is the wall time of the whole corpus.
 *   <li>{@link #decodeBase64Provider}: one body of 256 vectors in base64 through the provider's
 *       embeddings port, in memory; {@link #decodeBase64PlainJackson} and {@link
 *       #decodeBase64PlainJacksonBytes}: the same bytes read by plain Jackson databind, the vector
 *       as a {@code String} then {@link Base64}, or as the {@code byte[]} Jackson decodes itself;
 *       {@link #decodeFloatJsonPlainJackson} and {@link #decodeFloatJsonProvider}: the same vectors
 *       as JSON numbers (a server that ignores {@code encoding_format}), read into {@code float[]}.
 *       The score is bodies per second.
 * </ul>
 *
 * <p>Every benchmark checks what it read (the vector count, every vector's length, four values of
 * every vector, and for the corpus the requests made and the tokens counted) and throws if
 * anything differs, so a broken path cannot look fast. The in-memory benchmarks use the provider's
 * {@code internal} classes, which no production code outside the provider may do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Without TCP_NODELAY the JDK server's writes can meet the client's delayed ACK and a call waits
// 40 ms more. A fixed heap keeps the garbage collector's work the same from machine to machine.
@Fork(
    value = 2,
    jvmArgsAppend = {"-Dsun.net.httpserver.nodelay=true", "-Xms2g", "-Xmx2g"})
public class EmbeddingsBenchmark {
  /** The texts of the corpus. */
  static final int CORPUS = 10_000;

  /** The vectors of the in-memory body. */
  static final int BODY_VECTORS = 256;

  /** What the server adds to every request before it answers. */
  static final long SERVER_LATENCY_MILLIS = 50;

  /** Requests per corpus at the default 2048 inputs per request. */
  static final int REQUESTS_PER_CORPUS =
      (CORPUS + EmbeddingOptions.DEFAULT_MAX_INPUTS_PER_REQUEST - 1)
          / EmbeddingOptions.DEFAULT_MAX_INPUTS_PER_REQUEST;

  /**
   * A loopback server that answers {@code POST /v1/embeddings} after {@value
   * #SERVER_LATENCY_MILLIS} ms, and two connectors: batches 4 at a time, and one at a time.
   */
  @State(Scope.Benchmark)
  public static class Loopback {
    HttpServer server;
    ExecutorService serverThreads;
    JsonFactory json;
    Map<Long, byte[]> bodies;
    AtomicInteger requests;
    Connector parallel;
    Connector sequential;
    EmbeddingRequest corpus;

    /**
     * Builds the answers, starts the server and the connectors, once per fork.
     *
     * @throws IOException if the server cannot start
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
      json = new JsonFactory();
      requests = new AtomicInteger();
      // The answer of each batch the connector will send, built now so the server only waits and
      // writes; another split would be answered correctly, built on its first request.
      bodies = new ConcurrentHashMap<>();
      int perRequest = EmbeddingOptions.DEFAULT_MAX_INPUTS_PER_REQUEST;
      for (int first = 0; first < CORPUS; first += perRequest) {
        int count = Math.min(perRequest, CORPUS - first);
        bodies.put(key(first, count), EmbeddingBodies.base64Body(first, count));
      }

      // More threads than batches in flight: each one sleeps through its request's latency.
      serverThreads = Executors.newFixedThreadPool(8);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(serverThreads);
      server.createContext("/v1/embeddings", this::answer);
      server.start();
      String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";

      parallel = connector(baseUrl, EmbeddingOptions.defaults());
      sequential = connector(baseUrl, EmbeddingOptions.builder().maxParallelRequests(1).build());
      corpus =
          EmbeddingRequest.builder()
              .model(EmbeddingBodies.MODEL)
              .inputs(EmbeddingBodies.texts(CORPUS))
              .build();
    }

    private static Connector connector(String baseUrl, EmbeddingOptions options) {
      return Connectors.builder()
          .provider(OpenAiProvider.builder().apiKey("sk-bench").baseUrl(baseUrl).build())
          .embeddings(options)
          .build();
    }

    private static long key(int first, int count) {
      return ((long) first << 32) | count;
    }

    private void answer(HttpExchange exchange) throws IOException {
      try (exchange) {
        byte[] request;
        try (InputStream in = exchange.getRequestBody()) {
          request = in.readAllBytes();
        }
        Batch batch = batch(request);
        if (batch == null) {
          byte[] error =
              "{\"error\":{\"message\":\"the benchmark serves encoding_format base64 only\",\"type\":\"invalid_request_error\"}}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(400, error.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(error);
          }
          return;
        }
        byte[] body =
            bodies.computeIfAbsent(
                key(batch.first(), batch.count()),
                k -> EmbeddingBodies.base64Body(batch.first(), batch.count()));
        requests.incrementAndGet();
        try {
          Thread.sleep(SERVER_LATENCY_MILLIS);
        } catch (InterruptedException e) {
          // The server is stopping; the client sees the connection close.
          Thread.currentThread().interrupt();
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-request-id", "req_bench");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }

    // The first input's number and the count of inputs; null unless base64 was asked for.
    private @Nullable Batch batch(byte[] request) throws IOException {
      int first = -1;
      int count = 0;
      boolean base64 = false;
      try (JsonParser parser = json.createParser(request)) {
        parser.nextToken();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if ("input".equals(name) && value == JsonToken.START_ARRAY) {
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
              if (count++ == 0) {
                first = EmbeddingBodies.number(parser.getText());
              }
            }
          } else if ("encoding_format".equals(name)) {
            base64 = "base64".equals(parser.getText());
          } else {
            parser.skipChildren();
          }
        }
      }
      return base64 && count > 0 ? new Batch(first, count) : null;
    }

    /** Stops the connectors and the server. */
    @TearDown(Level.Trial)
    public void stop() {
      parallel.close();
      sequential.close();
      server.stop(0);
      serverThreads.shutdownNow();
    }

    EmbeddingResponse embedCorpus(Connector connector) {
      int before = requests.get();
      EmbeddingResponse response = connector.embedAll(corpus);
      int sent = requests.get() - before;
      if (sent != REQUESTS_PER_CORPUS) {
        throw new IllegalStateException(
            "expected " + REQUESTS_PER_CORPUS + " requests per corpus but the server saw " + sent);
      }
      long tokens = (long) CORPUS * EmbeddingBodies.TOKENS_PER_INPUT;
      if (response.usage().promptTokens() != tokens) {
        throw new IllegalStateException(
            "expected " + tokens + " prompt tokens but got " + response.usage().promptTokens());
      }
      EmbeddingBodies.check(
          CORPUS, response.embeddings().size(), i -> response.embeddings().get(i).vector(), 0);
      return response;
    }
  }

  /**
   * One batch as the server saw it.
   *
   * @param first the corpus number of its first input
   * @param count its inputs
   */
  record Batch(int first, int count) {}

  /** One body of 256 vectors, base64 and float JSON, and the readers of both kinds. */
  @State(Scope.Benchmark)
  public static class InMemory {
    byte[] base64Body;
    byte[] floatJsonBody;
    EmbeddingRequest request;
    OpenAiEmbeddingsPort base64Port;
    OpenAiEmbeddingsPort floatJsonPort;
    ObjectReader plainBase64Reader;
    ObjectReader plainBytesReader;
    ObjectReader plainFloatReader;

    /** Builds the bodies, the provider's ports over them and the plain readers, once per fork. */
    @Setup(Level.Trial)
    public void build() {
      base64Body = EmbeddingBodies.base64Body(0, BODY_VECTORS);
      floatJsonBody = EmbeddingBodies.floatJsonBody(0, BODY_VECTORS);
      request =
          EmbeddingRequest.builder()
              .model(EmbeddingBodies.MODEL)
              .inputs(EmbeddingBodies.texts(BODY_VECTORS))
              .build();
      base64Port = port(base64Body);
      floatJsonPort = port(floatJsonBody);

      // What a user of a plain HTTP client writes: a mapper that ignores the fields it lacks.
      ObjectMapper plain =
          JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
      plainBase64Reader = plain.readerFor(PlainBase64Body.class);
      plainBytesReader = plain.readerFor(PlainBytesBody.class);
      plainFloatReader = plain.readerFor(PlainFloatBody.class);
    }

    // The provider's port as OpenAiProvider builds it, its HTTP client replaced by the body.
    private static OpenAiEmbeddingsPort port(byte[] body) {
      ObjectMapper mapper = OpenAiTransport.objectMapper();
      HttpFailures failures =
          new HttpFailures(
              "openai", "OpenAI", mapper.readerFor(ErrorResponseDto.class), Redactor.NO_KEY);
      return new OpenAiEmbeddingsPort(
          new InMemoryApi(body),
          Endpoints.openAi(URI.create("http://127.0.0.1/v1")),
          new Sender(
              Authentication.bearer(Secret.of("sk-benchmark")),
              failures,
              new CallTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)),
              WireLog.OFF),
          mapper.getFactory(),
          failures,
          WireLog.OFF);
    }
  }

  /** Answers every embeddings call with the same body, without HTTP. */
  static final class InMemoryApi implements OpenAiHttpApi {
    private static final HttpHeaders HEADERS =
        HttpHeaders.of(
            Map.of(
                "content-type", List.of("application/json"), "x-request-id", List.of("req_bench")),
            (name, value) -> true);

    private final byte[] body;

    InMemoryApi(byte[] body) {
      this.body = body;
    }

    @Override
    public Response createEmbeddings(
        URI url, EmbeddingRequestDto request, Request.Options options) {
      return Response.builder()
          .request(
              Request.create(
                  Request.HttpMethod.POST, url.toString(), Map.of(), null, null, null))
          .status(200)
          .body(
              new DeadlineClient.ReceivedBody(
                  new DeadlineClient.BufferedBody(body),
                  body.length,
                  HEADERS,
                  new ErrorDetails("openai", 200, null, null, null, "req_bench", null),
                  RateLimits.NONE))
          .build();
    }

    @Override
    public Response createChatCompletion(
        URI url, ChatCompletionRequestDto request, Request.Options options) {
      throw new UnsupportedOperationException("embeddings only");
    }

    @Override
    public Response streamChatCompletion(
        URI url, ChatCompletionRequestDto request, Request.Options options) {
      throw new UnsupportedOperationException("embeddings only");
    }

    @Override
    public Response createImages(
        URI url, ImageRequestDto request, Request.Options options) {
      throw new UnsupportedOperationException("embeddings only");
    }
  }

  /**
   * A plain client's view of a base64 body.
   *
   * @param data the vectors
   * @param model the model
   * @param usage the usage
   */
  public record PlainBase64Body(List<PlainBase64Item> data, String model, PlainUsage usage) {}

  /**
   * One base64 vector, as the string it is in the JSON.
   *
   * @param index the input's position
   * @param embedding the vector, base64
   */
  public record PlainBase64Item(int index, String embedding) {}

  /**
   * A plain client's view of a base64 body, letting Jackson decode the base64.
   *
   * @param data the vectors
   * @param model the model
   * @param usage the usage
   */
  public record PlainBytesBody(List<PlainBytesItem> data, String model, PlainUsage usage) {}

  /**
   * One base64 vector, decoded by Jackson into bytes.
   *
   * @param index the input's position
   * @param embedding the vector's bytes, little-endian float32
   */
  public record PlainBytesItem(int index, byte[] embedding) {}

  /**
   * A plain client's view of a float JSON body.
   *
   * @param data the vectors
   * @param model the model
   * @param usage the usage
   */
  public record PlainFloatBody(List<PlainFloatItem> data, String model, PlainUsage usage) {}

  /**
   * One vector as JSON numbers.
   *
   * @param index the input's position
   * @param embedding the vector
   */
  public record PlainFloatItem(int index, float[] embedding) {}

  /**
   * The usage of a body.
   *
   * @param promptTokens the prompt tokens
   */
  public record PlainUsage(@JsonProperty("prompt_tokens") long promptTokens) {}

  /**
   * The corpus, 4 requests in flight at once (the default).
   *
   * @param loopback the server and the connectors
   * @return the vectors
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 5, time = 3)
  public EmbeddingResponse embedCorpusParallel(Loopback loopback) {
    return loopback.embedCorpus(loopback.parallel);
  }

  /**
   * The corpus, the same 5 requests one after the other.
   *
   * @param loopback the server and the connectors
   * @return the vectors
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 3)
  @Measurement(iterations = 5, time = 3)
  public EmbeddingResponse embedCorpusSequential(Loopback loopback) {
    return loopback.embedCorpus(loopback.sequential);
  }

  /**
   * The provider's embeddings port on the base64 body: the body taken from the response (without
   * a copy, see {@link DeadlineClient.BufferedBody}), decoded by its streaming decoder, wrapped into the
   * response.
   *
   * @param memory the body and the port
   * @return the vectors
   */
  @Benchmark
  public EmbeddingResponse decodeBase64Provider(InMemory memory) {
    return viaPort(memory.base64Port, memory.request);
  }

  /**
   * The provider's embeddings port on the float JSON body.
   *
   * @param memory the body and the port
   * @return the vectors
   */
  @Benchmark
  public EmbeddingResponse decodeFloatJsonProvider(InMemory memory) {
    return viaPort(memory.floatJsonPort, memory.request);
  }

  private static EmbeddingResponse viaPort(OpenAiEmbeddingsPort port, EmbeddingRequest request) {
    EmbeddingResponse response = port.embed(request, Deadline.after(Duration.ofMinutes(1)));
    long tokens = (long) BODY_VECTORS * EmbeddingBodies.TOKENS_PER_INPUT;
    if (response.usage().promptTokens() != tokens) {
      throw new IllegalStateException(
          "expected " + tokens + " prompt tokens but got " + response.usage().promptTokens());
    }
    EmbeddingBodies.check(
        BODY_VECTORS, response.embeddings().size(), i -> response.embeddings().get(i).vector(), 0);
    return response;
  }

  /**
   * Plain Jackson databind on the base64 body, each vector a {@code String} decoded by {@link
   * Base64} and read as little-endian floats.
   *
   * @param memory the body and the reader
   * @return the vectors
   * @throws IOException never, the body is valid
   */
  @Benchmark
  public float[][] decodeBase64PlainJackson(InMemory memory) throws IOException {
    PlainBase64Body body = memory.plainBase64Reader.readValue(memory.base64Body);
    float[][] vectors = new float[body.data().size()][];
    Base64.Decoder base64 = Base64.getDecoder();
    for (PlainBase64Item item : body.data()) {
      vectors[item.index()] = floats(base64.decode(item.embedding()));
    }
    return checked(vectors, body.usage());
  }

  /**
   * Plain Jackson databind on the base64 body, each vector a {@code byte[]} that Jackson decodes
   * from base64 itself, read as little-endian floats.
   *
   * @param memory the body and the reader
   * @return the vectors
   * @throws IOException never, the body is valid
   */
  @Benchmark
  public float[][] decodeBase64PlainJacksonBytes(InMemory memory) throws IOException {
    PlainBytesBody body = memory.plainBytesReader.readValue(memory.base64Body);
    float[][] vectors = new float[body.data().size()][];
    for (PlainBytesItem item : body.data()) {
      vectors[item.index()] = floats(item.embedding());
    }
    return checked(vectors, body.usage());
  }

  /**
   * Plain Jackson databind on the float JSON body, each vector straight into a {@code float[]}.
   *
   * @param memory the body and the reader
   * @return the vectors
   * @throws IOException never, the body is valid
   */
  @Benchmark
  public float[][] decodeFloatJsonPlainJackson(InMemory memory) throws IOException {
    PlainFloatBody body = memory.plainFloatReader.readValue(memory.floatJsonBody);
    float[][] vectors = new float[body.data().size()][];
    for (PlainFloatItem item : body.data()) {
      vectors[item.index()] = item.embedding();
    }
    return checked(vectors, body.usage());
  }

  private static float[] floats(byte[] bytes) {
    FloatBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] vector = new float[buffer.remaining()];
    buffer.get(vector);
    return vector;
  }

  private static float[][] checked(float[][] vectors, PlainUsage usage) {
    long tokens = (long) BODY_VECTORS * EmbeddingBodies.TOKENS_PER_INPUT;
    if (usage.promptTokens() != tokens) {
      throw new IllegalStateException(
          "expected " + tokens + " prompt tokens but got " + usage.promptTokens());
    }
    EmbeddingBodies.check(BODY_VECTORS, vectors.length, i -> vectors[i], 0);
    return vectors;
  }
}
