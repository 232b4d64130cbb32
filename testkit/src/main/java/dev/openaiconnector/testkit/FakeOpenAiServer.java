package dev.openaiconnector.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A fake OpenAI HTTP server on the JDK's built-in server: real HTTP/1.1 with keep-alive, bound to
 * {@code 127.0.0.1} only, for adapter tests, application tests and demos.
 *
 * <pre>{@code
 * try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
 *   server.enqueue(FakeResponse.rateLimited(Duration.ofSeconds(2)));                 // script
 *   callTheClientUnderTest(server.baseUrl(), "sk-test");                            // exercise
 *   assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer sk-test"); // verify
 * }
 * }</pre>
 *
 * <p>Scripted responses ({@link #enqueue}) answer the next requests in order, whatever their path
 * and even without an API key. When none is queued, the server answers like OpenAI:
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: a {@code chat.completion} with the request's model, id
 *       {@code chatcmpl-fake-<n>}, {@code n} identical choices, usage at about four characters a
 *       token, and server-sent events when {@code stream} is true (the content in one chunk per
 *       word, or per {@link Builder#streamChunkLength(int)} characters). Its message is the first
 *       that applies of:
 *       <ol>
 *         <li><b>Tool calls</b>, when the last message is a {@code user} message, {@code tools} is
 *             given and {@code tool_choice} is not {@code "none"}: finish reason {@code
 *             tool_calls}, {@code content} null, and one call to the tool that {@code tool_choice}
 *             names ({@code {"type":"function","function":{"name":...}}}); else (choice absent,
 *             {@code auto}, {@code required} or {@code allowed_tools}) one call to each tool (each
 *             allowed tool) in {@code tools} order, or to the first one only when {@code
 *             parallel_tool_calls} is false. Call ids are {@code call_fake_<n>_<i>}, {@code i}
 *             counting the calls from 0. The arguments are the sample of the tool's {@code
 *             parameters} (below), {@code {}} without parameters. Streamed, each call comes as a
 *             chunk with id, name and empty arguments, then the arguments in pieces of 8
 *             characters. Tool calls are never cut at the token limit.
 *         <li><b>Structured output</b>, when {@code response_format} is {@code json_schema}: the
 *             sample of {@code json_schema.schema} as compact JSON.
 *         <li><b>Tool results</b>, when the conversation ends with {@code tool} messages: {@code
 *             Echo: tool results: <content 1>; <content 2>}, the trailing tool messages in order.
 *         <li>Otherwise the last user message: {@code Echo: <text>}, plus {@code [n images]} for
 *             image parts.
 *       </ol>
 *       In JSON mode ({@code json_object}) the echo is a JSON object {@code {"echo": "<text>"}}.
 *       Text, JSON and structured answers are cut, with finish reason {@code length}, when {@code
 *       max_completion_tokens} or {@code max_tokens} is smaller than the reply.
 *   <li>Samples of a JSON Schema, the same for the same schema: an object has its {@code required}
 *       properties, in {@code properties} order (every property when the tool's or the format's
 *       {@code strict} is true); a string is {@code "sample"} (fitted to {@code minLength}/{@code
 *       maxLength}; a fixed value for the formats {@code date-time}, {@code date}, {@code time},
 *       {@code duration}, {@code email}, {@code hostname}, {@code ipv4}, {@code ipv6}, {@code
 *       uuid}, {@code uri}); an integer {@code 1}; a number {@code 1.5} (both moved inside {@code
 *       minimum}/{@code maximum}); a boolean {@code true}; an array one item ({@code minItems}
 *       items if more); {@code enum} its first value, {@code const} its value; a type list such as
 *       {@code ["string","null"]} and {@code anyOf}/{@code oneOf} the first non-null choice; {@code
 *       allOf} the merged parts; local {@code $ref}s are followed, and a recursion ends in {@code
 *       null} or an empty array where the schema allows it.
 *   <li>{@code POST /v1/embeddings}: per input a deterministic bag-of-words unit vector ({@link
 *       FakeEmbeddingsPort#vector}: texts sharing words are similar), of {@code dimensions} or the
 *       model's own
 *       length (3072 for {@code text-embedding-3-large}, else 1536), as float JSON or, for {@code
 *       encoding_format: base64}, little-endian float32 in base64; usage at about four characters
 *       a token, at least one per input. {@code 400} with {@code param} for an empty list, an empty
 *       string, more than 2048 inputs, a token array, {@code dimensions} below 1 or with {@code
 *       text-embedding-ada-002}.
 *   <li>{@code POST /v1/images/generations}: {@code n} copies of a tiny valid PNG ({@link
 *       FakeImagesPort#png()}), whatever the size or output format: {@code dall-e-*} as a {@code
 *       url} this server serves ({@code GET /v1/fake-images/...png}, no key needed) or {@code
 *       b64_json} when asked, {@code dall-e-3} with {@code revised_prompt} {@code A detailed
 *       rendering of: <prompt>}; {@code gpt-image-*} always {@code b64_json} with {@code
 *       output_format}, {@code size}, {@code quality}, {@code background} and a usage. {@code 400}
 *       for a missing prompt, {@code n} outside 1..10 (above 1 for {@code dall-e-3}), a size the
 *       model does not offer, {@code response_format} with {@code gpt-image-*}.
 *   <li>{@code GET /v1/models}: a fixed list of models ({@code gpt-4o-mini}, {@code gpt-4o},
 *       {@code text-embedding-3-small}); {@code GET /v1/models/<model>} ({@code models.retrieve}
 *       of the official clients): the listed model's object, else a {@code 404} {@code
 *       model_not_found} naming {@code param} {@code model}.
 *   <li>{@code 401 invalid_api_key} without {@code Authorization: Bearer <key>} (or with another
 *       key than {@link Builder#apiKey(String)}); {@code 400} naming the {@code param} for a body
 *       that is not JSON or lacks {@code model} or {@code messages}, for a tool that is not {@code
 *       {"type":"function","function":{"name":...}}}, a {@code tool_choice} naming no such tool, a
 *       {@code json_schema} format without {@code name} or {@code schema}, a schema that has no
 *       sample (such as a required property that always recurses), and for tool messages that do
 *       not answer the tool calls of the assistant message before them (or calls left unanswered);
 *       {@code 404} for another path; {@code 405} for another method. All errors carry OpenAI's
 *       error body.
 * </ul>
 *
 * <p>In Azure OpenAI mode ({@link Builder#azure()}) it also answers Azure's deployments and v1
 * layouts under {@code /openai/}, with Azure's credentials, errors, headers and content-filter
 * annotations around the same deterministic answers.
 *
 * <p>Every response has {@code x-request-id: req_fake_<n>} (n counts requests from 1) unless the
 * script sets its own, and a {@code Content-Length} (streams are chunked). Successful chat, embeddings and image answers
 * (default or {@link FakeResponse#chatCompletion}, {@link FakeResponse#streamedChatCompletion})
 * carry OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests: 10000}, {@code
 * x-ratelimit-remaining-requests: 10000 - n}, {@code x-ratelimit-reset-requests: 6ms}, {@code
 * x-ratelimit-limit-tokens: 200000}, {@code x-ratelimit-remaining-tokens: 200000 - 50 n}, {@code
 * x-ratelimit-reset-tokens: 15ms}; a {@code 429} has both remaining counts {@code 0} and both
 * resets at its {@code retry-after} seconds ({@code 1s} without one). A script that sets any
 * {@code x-ratelimit-*} header gets none of these. Every request is
 * recorded before it is answered. Thread-safe; run it from the command line with {@link
 * #main(String[])}.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(5);
  private static final byte[] LOOPBACK = {127, 0, 0, 1};
  private static final long REQUEST_LIMIT = 10_000;
  private static final long TOKEN_LIMIT = 200_000;

  /** An HTTP header name: a token of RFC 9110. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private final HttpServer server;
  private final ExecutorService handlers;
  private final OpenAiRoutes.KeyCheck keys;
  private final AzureRoutes.@Nullable Settings azure;
  private final int streamChunkLength;
  private final URI baseUrl;
  private final Queue<FakeResponse> script = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
  private final List<RecordedRequest> received = new ArrayList<>();
  private final Set<InetSocketAddress> clients = new HashSet<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);

  private FakeOpenAiServer(
      int port,
      OpenAiRoutes.KeyCheck keys,
      AzureRoutes.@Nullable Settings azure,
      int streamChunkLength) {
    this.keys = keys;
    this.azure = azure;
    this.streamChunkLength = streamChunkLength;
    InetSocketAddress address = new InetSocketAddress(loopback(), port);
    try {
      server = HttpServer.create(address, 0);
    } catch (BindException e) {
      throw new UncheckedIOException("Port " + port + " on 127.0.0.1 is in use", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the fake OpenAI server on " + address, e);
    }
    int bound = server.getAddress().getPort();
    AtomicInteger threads = new AtomicInteger();
    // Daemon threads: a test that forgets close() must not keep the JVM alive.
    handlers =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread =
                  new Thread(
                      task, "fake-openai-" + bound + "-handler-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
    baseUrl = URI.create("http://127.0.0.1:" + bound + "/v1");
  }

  /**
   * Starts a server on a free port of {@code 127.0.0.1}.
   *
   * @return the running server
   */
  public static FakeOpenAiServer start() {
    return builder().start();
  }

  /**
   * Starts a server on the given port of {@code 127.0.0.1}.
   *
   * @param port the port; {@code 0} picks a free one
   * @return the running server
   * @throws UncheckedIOException if the port is taken
   */
  public static FakeOpenAiServer start(int port) {
    return builder().port(port).start();
  }

  /**
   * Returns a builder for a server with options, such as a required API key.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the base URL to configure a client with.
   *
   * @return {@code http://127.0.0.1:<port>/v1}
   */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * Returns the Azure OpenAI endpoint to configure an Azure client with, the equivalent of {@code
   * https://<resource>.openai.azure.com}: requests go to {@code <endpoint>/openai/deployments/...}
   * or {@code <endpoint>/openai/v1/...}.
   *
   * @return {@code http://127.0.0.1:<port>}, without a trailing slash
   * @throws IllegalStateException if the server was not started in Azure mode
   */
  public URI azureEndpoint() {
    requireAzure("azureEndpoint()");
    return URI.create("http://127.0.0.1:" + port());
  }

  /**
   * Returns the base URL of Azure's v1 layout, for an OpenAI client that takes a base URL.
   *
   * @return {@code http://127.0.0.1:<port>/openai/v1}
   * @throws IllegalStateException if the server was not started in Azure mode
   */
  public URI azureV1BaseUrl() {
    requireAzure("azureV1BaseUrl()");
    return URI.create("http://127.0.0.1:" + port() + "/openai/v1");
  }

  private void requireAzure(String method) {
    if (azure == null) {
      throw new IllegalStateException(
          method + " needs a server in Azure mode: FakeOpenAiServer.builder().azure().start()");
    }
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Queues a response for the next request not yet answered, whatever its path.
   *
   * @param response the response
   * @return this server
   */
  public FakeOpenAiServer enqueue(FakeResponse response) {
    script.add(Objects.requireNonNull(response, "response"));
    return this;
  }

  /**
   * Queues the same response for the next {@code times} requests not yet answered, for example
   * a {@code 503} twice before the default answer:
   *
   * <pre>{@code
   * server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"), 2);
   * }</pre>
   *
   * @param response the response
   * @param times how many requests it answers, at least one
   * @return this server
   */
  public FakeOpenAiServer enqueue(FakeResponse response, int times) {
    Objects.requireNonNull(response, "response");
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1: " + times);
    }
    for (int i = 0; i < times; i++) {
      script.add(response);
    }
    return this;
  }

  /**
   * Returns the oldest request not yet taken, waiting up to five seconds for one.
   *
   * @return the request
   * @throws AssertionError if none arrives in time
   */
  public RecordedRequest takeRequest() {
    return takeRequest(TAKE_TIMEOUT);
  }

  /**
   * Returns the oldest request not yet taken, waiting up to {@code timeout} for one.
   *
   * @param timeout how long to wait
   * @return the request
   * @throws AssertionError if none arrives in time
   */
  public RecordedRequest takeRequest(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    RecordedRequest request;
    try {
      request = untaken.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for a request", e);
    }
    if (request == null) {
      throw new AssertionError(
          "No request reached "
              + baseUrl
              + " within "
              + timeout.toMillis()
              + " ms ("
              + requestCount()
              + " received in all, every one already taken)");
    }
    return request;
  }

  /**
   * Returns every request received so far, oldest first, taken or not.
   *
   * @return a copy
   */
  public List<RecordedRequest> requests() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * Returns how many requests were received so far.
   *
   * @return the count
   */
  public int requestCount() {
    synchronized (received) {
      return received.size();
    }
  }

  /**
   * Returns how many distinct client connections sent requests; with keep-alive, several requests
   * share one.
   *
   * @return the count
   */
  public int connectionCount() {
    synchronized (received) {
      return clients.size();
    }
  }

  /**
   * Forgets the queued responses and the recorded requests, taken or not, and the connections
   * counted; request numbers (in ids such as {@code req_fake_<n>} and {@code chatcmpl-fake-<n>})
   * start again at 1. The options the server was built with stay. The JUnit extension calls this
   * before each test, so that each test sees only its own requests.
   */
  public void reset() {
    synchronized (received) {
      script.clear();
      untaken.clear();
      received.clear();
      clients.clear();
    }
  }

  /**
   * Stops at once: open connections are closed, waits end, the port is free when this returns.
   * Idempotent.
   */
  @Override
  public void close() {
    server.stop(0);
    closing.countDown();
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FakeOpenAiServer[" + baseUrl + "]";
  }

  /**
   * Runs a server from the command line: prints its base URL ({@code http://127.0.0.1:<port>/v1})
   * alone on the first line of standard output, then serves until the process is stopped (Ctrl+C,
   * SIGINT or SIGTERM), or, with {@code --stop-on-stdin-close}, until standard input closes. Hints
   * for people go to standard error. From a clone of the repository:
   *
   * <pre>{@code
   * ./mvnw -q -B -Pfake-server -pl testkit -am compile -Dexec.args="--port=8080"
   * }</pre>
   *
   * <p>or, with the jar: {@code java -jar openai-connector-testkit.jar [options]} (the server
   * needs nothing else on the class path). Options:
   *
   * <ul>
   *   <li>{@code --port=N} (or just {@code N}): the port on {@code 127.0.0.1}; 0 or none for a free
   *       one;
   *   <li>{@code --api-key=KEY}: the only key {@code Authorization: Bearer} may carry (by default
   *       any);
   *   <li>{@code --api-key-header=NAME}: read the key from this header, whose whole value is the
   *       key, instead of {@code Authorization: Bearer}, as OpenAI-compatible servers that use
   *       {@code X-Api-Key} do ({@link Builder#apiKeyHeader}); with {@code --api-key}, only that
   *       key passes;
   *   <li>{@code --stream-chunk-length=N}: stream unscripted answers N characters a chunk instead
   *       of a word a chunk;
   *   <li>{@code --azure}: Azure OpenAI mode ({@link Builder#azure()}); its endpoint is the base
   *       URL without {@code /v1}; {@code --azure-api-key=KEY}, {@code
   *       --azure-bearer-token=TOKEN} and {@code --azure-deployment=NAME=MODEL} (repeatable) turn
   *       it on too;
   *   <li>{@code --stop-on-stdin-close}: also stop when standard input reaches its end, so that a
   *       harness that dies takes the server with it (leave it off when standard input is {@code
   *       /dev/null}, as for a background job);
   *   <li>{@code --help}: print this usage and exit.
   * </ul>
   *
   * <p>Exits with status 2 for a bad option and 1 when the port is taken.
   *
   * @param args the options
   * @throws InterruptedException if the waiting main thread is interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    CommandLine options;
    try {
      options = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(CommandLine.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(CommandLine.USAGE);
      return;
    }
    FakeOpenAiServer server;
    try {
      server = options.builder().start();
    } catch (UncheckedIOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println(server.baseUrl());
    System.out.flush();
    System.err.println(options.hints(server));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "fake-openai-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (options.stopOnStdinClose()) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // Whatever comes in is ignored; only the end counts.
                  }
                } catch (IOException e) {
                  // A broken standard input is as good as a closed one.
                }
                stopped.countDown();
              },
              "fake-openai-stdin");
      reader.setDaemon(true);
      reader.start();
    }
    stopped.await();
    try {
      // Standard input closed: stop here, as the JVM may live on (under exec:java, Maven's).
      Runtime.getRuntime().removeShutdownHook(hook);
      server.close();
    } catch (IllegalStateException shuttingDown) {
      // A signal came too: the hook closes the server.
    }
  }

  /** Starts a server from command-line options and prints its base URL on a line of its own. */
  static FakeOpenAiServer startFromCommandLine(String[] args, PrintStream out) {
    FakeOpenAiServer server = CommandLine.parse(args).builder().start();
    out.println(server.baseUrl());
    out.flush();
    return server;
  }

  boolean isAzure() {
    return azure != null;
  }

  /** The Azure options the server was built with, or null outside Azure mode. */
  AzureRoutes.@Nullable Settings azureSettings() {
    return azure;
  }

  /** Where the OpenAI routes look for the key, and the one key they require, if any. */
  OpenAiRoutes.KeyCheck keyCheck() {
    return keys;
  }

  private void handle(HttpExchange exchange) throws IOException {
    boolean cut = false;
    try {
      RecordedRequest request = record(exchange);
      int n;
      synchronized (received) {
        received.add(request);
        clients.add(exchange.getRemoteAddress());
        n = received.size();
      }
      untaken.add(request);
      FakeResponse response = script.poll();
      AzureRoutes.Settings azureSettings = azure;
      if (response != null) {
        if (azureSettings != null && response.chatAnswer() && AzureRoutes.isAzurePath(request)) {
          // A scripted chat answer must look like Azure's too, or clients would see two shapes.
          response = AzureRoutes.withFilterResults(response);
        }
      } else if (azureSettings != null) {
        response = AzureRoutes.answer(request, n, azureSettings, streamChunkLength, baseUrl);
      }
      if (response == null) {
        response = OpenAiRoutes.answer(request, n, keys, streamChunkLength, baseUrl);
      }
      respond(exchange, response, request, n);
    } catch (ConnectionCut e) {
      // Leaving the exchange open makes the JDK server close the socket without the last chunk.
      cut = true;
      throw e;
    } catch (InterruptedException e) {
      // close() interrupted a delayed, held or stalled answer: the connection is dropped.
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The JDK server would drop the connection silently; a 500 tells the test what went wrong.
      sendInternalError(exchange, e);
    } finally {
      if (!cut) {
        exchange.close();
      }
    }
  }

  private static RecordedRequest record(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    URI uri = exchange.getRequestURI();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new RecordedRequest(
        exchange.getRequestMethod(),
        path,
        exchange.getRequestHeaders(),
        new String(body, StandardCharsets.UTF_8));
  }

  private void respond(
      HttpExchange exchange, FakeResponse response, RecordedRequest request, int n)
      throws IOException, InterruptedException {
    if (response.kind() == FakeResponse.Kind.NO_ANSWER) {
      // Never answer; close() ends the wait and drops the connection.
      closing.await();
      throw new ConnectionCut();
    }
    long delay = response.delayBeforeHeaders().toMillis();
    if (delay > 0) {
      Thread.sleep(delay);
    }
    if (response.kind() == FakeResponse.Kind.RESET) {
      throw new ConnectionCut();
    }
    Headers headers = exchange.getResponseHeaders();
    if (response.contentType() != null) {
      headers.set("Content-Type", response.contentType());
    }
    boolean ownRequestId = false;
    boolean ownApimId = false;
    boolean ownRegion = false;
    for (Map.Entry<String, String> header : response.headers()) {
      headers.add(header.getKey(), header.getValue());
      ownRequestId |= header.getKey().equalsIgnoreCase("x-request-id");
      ownApimId |= header.getKey().equalsIgnoreCase("apim-request-id");
      ownRegion |= header.getKey().equalsIgnoreCase("x-ms-region");
    }
    AzureRoutes.Settings azureSettings = azure;
    // Azure's request ids are UUIDs, the same in both headers; these count the requests too.
    String requestId =
        azureSettings == null ? "req_fake_" + n : String.format("%08x-0000-4000-8000-%012x", n, n);
    if (!ownRequestId) {
      headers.set("x-request-id", requestId);
    }
    if (azureSettings != null && !ownApimId) {
      headers.set("apim-request-id", requestId);
    }
    if (azureSettings != null && !ownRegion) {
      headers.set("x-ms-region", azureSettings.region());
    }
    int status = response.status();
    addRateLimits(headers, response, status, n);
    if (response.isEventStream()) {
      // Rendered first, so that a failure is still answered with a 500.
      List<byte[]> events = response.renderEvents(request, n);
      headers.set("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(status, 0);
      // Newer JDKs hold the headers back until the body is written or flushed; a stream that is
      // held or cut before its first event must still have started.
      exchange.getResponseBody().flush();
      writeEvents(exchange.getResponseBody(), events, response);
      return;
    }
    byte[] body = response.renderBytes(request, n);
    boolean noBody = body.length == 0 || status == 204 || status == 304 || status < 200;
    if (noBody || exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, body.length);
      writeBody(exchange.getResponseBody(), body, response);
    }
  }

  /** Writes a plain body whole, or the part its stall or cut allows, then stalls or cuts. */
  private void writeBody(OutputStream out, byte[] body, FakeResponse response)
      throws IOException, InterruptedException {
    int stall = response.bodyStallAfter();
    int cut = response.bodyCutAfter();
    if (stall < 0 && cut < 0) {
      try (out) {
        out.write(body);
      }
      return;
    }
    int sent = Math.min(body.length, stall >= 0 ? stall : cut);
    out.write(body, 0, sent);
    out.flush();
    if (stall >= 0) {
      // Keep the connection open; close() ends this, and closes the connection.
      closing.await();
    }
    throw new ConnectionCut();
  }

  /**
   * Adds OpenAI's rate-limit headers to a successful chat answer and to a {@code 429}, unless the
   * script set its own: deterministic values from the request's sequence number {@code n}.
   */
  private static void addRateLimits(Headers headers, FakeResponse response, int status, int n) {
    for (Map.Entry<String, String> header : response.headers()) {
      if (header.getKey().regionMatches(true, 0, "x-ratelimit-", 0, 12)) {
        return;
      }
    }
    if (status == 429) {
      String retryAfter = headers.getFirst("retry-after");
      String reset = retryAfter != null && retryAfter.matches("\\d{1,9}") ? retryAfter + "s" : "1s";
      setRateLimits(headers, 0, reset, 0, reset);
    } else if (response.rateLimitHeaders() && status == 200) {
      setRateLimits(
          headers,
          Math.max(0, REQUEST_LIMIT - n),
          "6ms",
          Math.max(0, TOKEN_LIMIT - 50L * n),
          "15ms");
    }
  }

  private static void setRateLimits(
      Headers headers,
      long remainingRequests,
      String requestsReset,
      long remainingTokens,
      String tokensReset) {
    headers.set("x-ratelimit-limit-requests", Long.toString(REQUEST_LIMIT));
    headers.set("x-ratelimit-remaining-requests", Long.toString(remainingRequests));
    headers.set("x-ratelimit-reset-requests", requestsReset);
    headers.set("x-ratelimit-limit-tokens", Long.toString(TOKEN_LIMIT));
    headers.set("x-ratelimit-remaining-tokens", Long.toString(remainingTokens));
    headers.set("x-ratelimit-reset-tokens", tokensReset);
  }

  /**
   * Sends each event as its own flushed chunk, so that a client sees a stream, not one late chunk,
   * and applies the response's delays, hold, stall and cut between events.
   */
  private void writeEvents(OutputStream out, List<byte[]> events, FakeResponse response)
      throws IOException, InterruptedException {
    long eventDelay = response.eventDelay().toMillis();
    for (int i = 0; i <= events.size(); i++) {
      CountDownLatch release = response.release();
      if (i == response.holdAfter() && release != null) {
        release.await();
      }
      if (i == response.stallAfter()) {
        // Keep the connection open; close() ends this, and closes the connection.
        closing.await();
        throw new ConnectionCut();
      }
      if (i == response.cutAfter()) {
        throw new ConnectionCut();
      }
      if (i == events.size()) {
        break;
      }
      if (i > 0 && eventDelay > 0) {
        Thread.sleep(eventDelay);
      }
      out.write(events.get(i));
      out.flush();
    }
    out.close();
  }

  private static void sendInternalError(HttpExchange exchange, RuntimeException e) {
    try {
      byte[] body =
          OpenAiRoutes.errorBody("FakeOpenAiServer failed: " + e, "server_error", null, null)
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", FakeResponse.JSON);
      exchange.sendResponseHeaders(500, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException | RuntimeException headersAlreadySent) {
      // Nothing more can be told to this client; the connection closes with the exchange.
    }
  }

  /** Ends a stream without its last chunk; the JDK server then closes the connection. */
  private static final class ConnectionCut extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionCut() {
      super("Connection cut by the script");
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", LOOPBACK);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options for a {@link FakeOpenAiServer}; {@link #start()} starts it. Not thread-safe. */
  public static final class Builder {
    private int port;
    private OpenAiRoutes.KeyCheck keys = OpenAiRoutes.KeyCheck.BEARER_ANY;
    private int streamChunkLength;
    private boolean azure;
    private @Nullable String azureApiKey;
    private @Nullable Predicate<String> bearerTokens;
    private final Map<String, String> deployments = new LinkedHashMap<>();
    private String region = "East US";
    private Set<String> apiVersions = AzureRoutes.API_VERSIONS;

    private Builder() {}

    /**
     * Sets the port.
     *
     * @param port {@code 0} (the default) for a free port, else {@code 1..65535}
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Requires this key in {@code Authorization: Bearer <key>}; another key gets {@code 401
     * invalid_api_key}. By default any non-blank key is accepted.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.keys = keys.withKey(apiKey);
      return this;
    }

    /**
     * Reads the key from this header, whose whole value is the key, instead of {@code
     * Authorization: Bearer <key>}: for OpenAI-compatible servers that authenticate with {@code
     * X-Api-Key} or similar. Requests without it get {@code 401 invalid_api_key}; combine with
     * {@link #apiKey(String)} to require one key.
     *
     * @param header the header name, such as {@code X-Api-Key}
     * @return this builder
     * @throws IllegalArgumentException if {@code header} is not an HTTP header name
     */
    public Builder apiKeyHeader(String header) {
      Objects.requireNonNull(header, "header");
      if (header.isBlank()) {
        throw new IllegalArgumentException("header must not be blank");
      }
      if (!HEADER_NAME.matcher(header).matches()) {
        throw new IllegalArgumentException(
            "header must be an HTTP header name, made of letters, digits and !#$%&'*+-.^_`|~,"
                + " such as X-Api-Key: '"
                + header
                + "'");
      }
      this.keys = new OpenAiRoutes.KeyCheck(header, "", keys.key());
      return this;
    }

    /**
     * Cuts the content of unscripted streamed answers into pieces of this many characters (a
     * surrogate pair is never split) instead of one piece per word.
     *
     * @param chunkLength the characters per content chunk, at least one
     * @return this builder
     */
    public Builder streamChunkLength(int chunkLength) {
      if (chunkLength < 1) {
        throw new IllegalArgumentException("chunkLength must be at least 1: " + chunkLength);
      }
      this.streamChunkLength = chunkLength;
      return this;
    }

    /**
     * Turns on Azure OpenAI mode; every other {@code azure*} option and {@link
     * #acceptBearerTokens} turns it on too. The OpenAI paths under {@code /v1} keep working; the
     * server also answers Azure's two layouts:
     *
     * <ul>
     *   <li>{@code POST /openai/deployments/<deployment>/chat/completions}, {@code .../embeddings}
     *       and {@code .../images/generations}, with {@code ?api-version=} required: missing is
     *       Azure's {@code 404} ({@code "code":"404"}, {@code Resource not found}), one not in
     *       {@link #azureApiVersions} a {@code 400} ({@code BadRequest}, {@code API version not
     *       supported}). The body's {@code model} is optional and ignored: the deployment's model
     *       answers.
     *   <li>{@code POST /openai/v1/chat/completions}, {@code .../embeddings} and {@code
     *       .../images/generations}: the body's {@code model} names the deployment; no {@code
     *       api-version} needed ({@code preview} and {@code latest} are accepted).
     * </ul>
     *
     * <p>Credentials: the {@code api-key} header, else {@code Authorization: Bearer <token>}. With
     * neither {@link #azureApiKey} nor a bearer option set, any non-blank one passes; once one is
     * set, only what is set passes. A missing or refused credential is a {@code 401} with Azure's
     * body ({@code {"error":{"code":"401","message":...}}}). An unknown deployment (once {@link
     * #azureDeployment} declared any) is a {@code 404} {@code DeploymentNotFound}.
     *
     * <p>Answers are the OpenAI routes' deterministic ones (chat, streams, tools, structured
     * output, embeddings, images) with the deployment's model, plus Azure's annotations: {@code
     * prompt_filter_results} (prompt 0, every category safe) and per-choice {@code
     * content_filter_results} on chat completions; on streams, Azure's first chunk (empty {@code
     * choices}, {@code id}, {@code model} and {@code object}, {@code created} 0, with {@code
     * prompt_filter_results}), then {@code content_filter_results} on every choice (safe
     * categories with text, empty otherwise); {@code content_filter_results} and {@code
     * prompt_filter_results} on each image. Scripted {@link FakeResponse#chatCompletion} and
     * {@link FakeResponse#streamedChatCompletion} get the same annotations on Azure paths. Every
     * response in Azure mode has {@code apim-request-id} and {@code x-request-id} (one UUID that
     * counts the requests) and {@code x-ms-region}, unless the script sets them. Azure's first
     * chunk counts as an event for the stream faults ({@link FakeResponse#cutAfter} and the like).
     *
     * @return this builder
     */
    public Builder azure() {
      this.azure = true;
      return this;
    }

    /**
     * Requires this key in the {@code api-key} header of Azure requests; turns on Azure mode.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder azureApiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.azureApiKey = apiKey;
      return azure();
    }

    /**
     * Accepts exactly this token in {@code Authorization: Bearer} on Azure requests, as a
     * Microsoft Entra ID access token; turns on Azure mode. Replaces {@link #acceptBearerTokens}.
     *
     * @param token the token
     * @return this builder
     */
    public Builder azureBearerToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("token must not be blank");
      }
      return acceptBearerTokens(token::equals);
    }

    /**
     * Accepts the {@code Authorization: Bearer} tokens of Azure requests that {@code tokens}
     * accepts, for example only the newest one a test's token server issued, so that a client
     * with an expired token gets a {@code 401}; turns on Azure mode. Replaces {@link
     * #azureBearerToken}.
     *
     * @param tokens the check, called on the server's handler threads, so it must be thread-safe
     * @return this builder
     */
    public Builder acceptBearerTokens(Predicate<String> tokens) {
      this.bearerTokens = Objects.requireNonNull(tokens, "tokens");
      return azure();
    }

    /**
     * Declares a deployment and the model that answers for it ({@code model} in answers, and what
     * the OpenAI routes key their behaviour on, such as {@code dall-e-3} or {@code
     * text-embedding-3-large}); turns on Azure mode. Once one is declared, other deployment names
     * get {@code 404 DeploymentNotFound}; with none, every deployment answers with its own name as
     * the model.
     *
     * @param deployment the deployment name, as in the URL or the v1 body's {@code model}
     * @param model the model name
     * @return this builder
     */
    public Builder azureDeployment(String deployment, String model) {
      Objects.requireNonNull(deployment, "deployment");
      Objects.requireNonNull(model, "model");
      if (deployment.isBlank() || deployment.contains("/")) {
        throw new IllegalArgumentException(
            "deployment must be a non-blank name without '/': '" + deployment + "'");
      }
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      deployments.put(deployment, model);
      return azure();
    }

    /**
     * Sets the {@code x-ms-region} header of Azure answers; turns on Azure mode.
     *
     * @param region such as {@code Sweden Central}; default {@code East US}
     * @return this builder
     */
    public Builder azureRegion(String region) {
      Objects.requireNonNull(region, "region");
      if (region.isBlank() || region.chars().anyMatch(c -> c < ' ' || c > '~')) {
        throw new IllegalArgumentException("region must be printable ASCII: '" + region + "'");
      }
      this.region = region;
      return azure();
    }

    /**
     * Replaces the {@code api-version} values the deployments layout accepts; turns on Azure
     * mode. By default: {@code 2022-12-01}, {@code 2023-05-15}, {@code 2024-02-01}, {@code
     * 2024-06-01}, {@code 2024-10-21} and {@code 2024-12-01-preview} to {@code
     * 2025-04-01-preview}.
     *
     * @param versions at least one version
     * @return this builder
     */
    public Builder azureApiVersions(String... versions) {
      Objects.requireNonNull(versions, "versions");
      if (versions.length == 0) {
        throw new IllegalArgumentException("versions must name at least one api-version");
      }
      for (String version : versions) {
        if (version == null || version.isBlank()) {
          throw new IllegalArgumentException("versions must not hold a null or blank version");
        }
      }
      this.apiVersions = Set.copyOf(List.of(versions));
      return azure();
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws UncheckedIOException if the port is taken
     */
    public FakeOpenAiServer start() {
      AzureRoutes.Settings settings =
          azure
              ? new AzureRoutes.Settings(
                  azureApiKey, bearerTokens, deployments, region, apiVersions)
              : null;
      return new FakeOpenAiServer(port, keys, settings, streamChunkLength);
    }
  }
}
