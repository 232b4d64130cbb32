package dev.openaiconnector.openai.internal;

import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.spi.Deadline;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Feign's {@link Client} over the JDK {@link HttpClient}: sends each request Feign built, writes the
 * wire log of it (the one place that sees the encoded body), and bounds the reading of a body by
 * the call's deadline.
 *
 * <p>Why not {@code feign-java11}'s {@code Http2Client}: a profile of a chat call showed it copying
 * every response's headers into a map of its own before Feign's {@link Response} copies them again,
 * and building a second {@link HttpClient} whenever a call's connect timeout differed from the
 * client's. Here the JDK's request is built from Feign's once.
 *
 * <p><b>What the ports read from a response's headers comes with its body</b>, a {@link
 * ReceivedBody} ({@link #received(Response)}): the headers as the JDK client parsed them, and the
 * call's {@link ErrorDetails} (status, request id) and {@link RateLimits}, read from them as they
 * arrived. Two measurements decided this (the {@code benchmarks} module's README):
 *
 * <ul>
 *   <li>Feign's {@link Response} is given no headers. It copies whatever it is given into a
 *       case-insensitive {@code TreeMap} of its own, three lookups and a lower-cased name per
 *       header, and that copy was the largest single piece of the provider's work per call on the
 *       caller's thread: 6 of the 12.5 us the provider then spent beyond a plain JDK client with
 *       Jackson, and 2.2 KB ({@code CallerPathBenchmark}).
 *   <li>A plain call's request id, rate limits and {@code Content-Encoding} are read by the HTTP
 *       client's thread that parsed the headers, when it hands them to the body handler, not by
 *       the caller. On the caller's thread, these eight lookups walked a map built on another core
 *       and cost about 11 us per call in a profile on two cores (against 1.5 us in memory); read
 *       where the map was built, they moved about 8 us of CPU off the caller's thread and took 3 %
 *       off a call's time ({@code ChatBenchmark}, both variants taking turns in one JVM).
 * </ul>
 *
 * <p>The JDK client's request timeout ends when the headers arrive, so a server that stops half
 * way through a body would block the caller past its deadline without more. So every body read
 * under a deadline ({@link CallOptions}) is watched:
 *
 * <ul>
 *   <li>a plain call's body is received whole by the JDK client's own threads, as {@code
 *       BodyHandlers.ofByteArray()} would, while the caller waits in {@link HttpClient#send}; when
 *       the deadline passes first, the receiving is cancelled (which closes the connection) and
 *       {@code send} fails with a {@link BodyTimeoutException};
 *   <li>an event stream's body (the answer to a request that accepts {@code text/event-stream}) is
 *       an {@link InputStream}, watched while the stream opens (an error body, or a plain answer in
 *       place of a stream, is read within the deadline): when the deadline passes first it is
 *       closed, which ends a blocked read at once, and the read fails with a {@link
 *       BodyTimeoutException}. Once the body is handed to the stream's reader, {@link #disarm}
 *       stops watching it, and the stream's idle timeout bounds each wait instead, as a stream may
 *       rightly outlive any deadline.
 * </ul>
 *
 * <p>The watching costs a call two updates of a concurrent set and nothing on the scheduler: one
 * sweep task, on the provider's shared scheduler, runs at the earliest deadline of the bodies
 * watched, ends those whose deadline has passed, and schedules itself for the next; a body whose
 * deadline is later than the sweep already pending (every call with the usual timeout) leaves it
 * alone. A task per call, as before, woke the scheduler's thread for nearly every call, each new
 * task being the first in its queue. Nothing is allocated or scheduled per read. Thread-safe.
 */
public final class DeadlineClient implements Client {
  private static final String EVENT_STREAM = "text/event-stream";
  private static final int MAX_KNOWN_URIS = 64;

  private final HttpClient http;
  private final Network network;
  private final ScheduledExecutorService scheduler;
  private final WireLog wireLog;
  private final HttpFailures failures;
  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  private final Map<String, URI> uris = new ConcurrentHashMap<>();
  private final Object sweepLock = new Object();
  // When the pending sweep runs; read without the lock to see whether a new body is covered.
  private volatile boolean sweepPending;
  private volatile long sweepAt;
  private @Nullable ScheduledFuture<?> sweep; // guarded by sweepLock

  /**
   * Creates the client.
   *
   * @param http the JDK client that sends, shared by every call of the provider
   * @param network what {@code http} was built with, for the proxy credentials of each request
   * @param scheduler the provider's shared scheduler, for the deadline sweep
   * @param wireLog the wire log
   * @param failures reads a response's details (its request id) from its headers
   */
  public DeadlineClient(
      HttpClient http,
      Network network,
      ScheduledExecutorService scheduler,
      WireLog wireLog,
      HttpFailures failures) {
    this.http = http;
    this.network = network;
    this.scheduler = scheduler;
    this.wireLog = wireLog;
    this.failures = failures;
  }

  /**
   * Sends a request. The answer to a request that accepts {@code text/event-stream} has its body
   * as the server sends it, to be read incrementally; any other body is received whole before
   * this returns.
   *
   * @param request the request: method, URL, headers, body
   * @param options the call's timeouts; a {@link CallOptions} also bounds the body by its deadline
   * @return the response, to be closed by the caller
   * @throws IOException if sending, receiving the headers or, for a plain call, the body failed,
   *     timed out or was interrupted
   */
  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    wireLog.request(request);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(request.url()))
            .timeout(Duration.ofMillis(options.readTimeoutMillis()));
    boolean stream = false;
    for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
      String name = header.getKey();
      // Feign adds the body's length; the JDK client sets it from the body and refuses it here.
      if (!"Content-Length".equalsIgnoreCase(name)) {
        for (String value : header.getValue()) {
          builder.header(name, value);
          stream |= "Accept".equalsIgnoreCase(name) && value.startsWith(EVENT_STREAM);
        }
      }
    }
    // Set last: a network's proxy credentials replace a configured header of the same name.
    network.applyTo(builder);
    byte[] body = request.body();
    builder.method(
        request.httpMethod().name(),
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    Deadline deadline = options instanceof CallOptions ? ((CallOptions) options).deadline() : null;
    if (deadline != null && scheduler.isShutdown()) {
      throw new ProviderClosedException(null);
    }
    if (!stream) {
      WholeBody handler = new WholeBody(deadline);
      HttpResponse<byte[]> response = proxyAccepted(send(builder.build(), handler));
      HeadersRead read = handler.read();
      byte[] bytes = response.body();
      InputStream in = new BufferedBody(bytes);
      InputStream decoded = decoded(in, read.encodings);
      return response(request, response, decoded, decoded == in ? bytes.length : null, read);
    }
    StreamBody handler = new StreamBody();
    HttpResponse<InputStream> response = proxyAccepted(send(builder.build(), handler));
    HeadersRead read = handler.read();
    InputStream in = decoded(response.body(), read.encodings);
    OptionalLong length = response.headers().firstValueAsLong("Content-Length");
    Integer knownLength =
        length.isPresent() && length.getAsLong() <= Integer.MAX_VALUE && in == response.body()
            ? (int) length.getAsLong()
            : null;
    if (deadline != null) {
      WatchedBody watchedBody = new WatchedBody(in, deadline);
      try {
        watch(watchedBody);
      } catch (ProviderClosedException closed) {
        in.close();
        throw closed;
      }
      in = watchedBody;
    }
    return response(request, response, in, knownLength, read);
  }

  // Feign's request carries its URL as text. A provider sends to a handful of URLs (one per
  // operation and deployment), so each is parsed once instead of once per call; past the bound, an
  // unusual caller's URLs are parsed each time rather than kept.
  private URI uri(String url) {
    URI known = uris.get(url);
    if (known != null) {
      return known;
    }
    URI parsed = URI.create(url);
    if (uris.size() < MAX_KNOWN_URIS) {
      uris.putIfAbsent(url, parsed);
    }
    return parsed;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while sending");
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  private static Response response(
      Request request,
      HttpResponse<?> response,
      InputStream body,
      @Nullable Integer length,
      HeadersRead read) {
    return Response.builder()
        .request(request)
        .status(response.statusCode())
        // No headers for Feign to copy: they come with the body (see the class comment).
        .body(
            new ReceivedBody(body, length, response.headers(), read.details, read.rateLimits))
        .build();
  }

  /**
   * The body of a response of this client, with what was read from its headers.
   *
   * @param response a response of this client
   * @return its body
   * @throws IllegalArgumentException if the response is not from this client
   */
  static ReceivedBody received(Response response) {
    if (response.body() instanceof ReceivedBody) {
      return (ReceivedBody) response.body();
    }
    throw new IllegalArgumentException("not a response of DeadlineClient: " + response.body());
  }

  private HeadersRead readHeaders(int status, HttpHeaders headers) {
    Map<String, Collection<String>> map = Collections.unmodifiableMap(headers.map());
    return new HeadersRead(
        headers.allValues("Content-Encoding"),
        failures.details(status, map),
        RateLimitHeaders.from(map));
  }

  /** What is read from every response's headers. */
  private static final class HeadersRead {
    final List<String> encodings;
    final ErrorDetails details;
    final RateLimits rateLimits;

    HeadersRead(List<String> encodings, ErrorDetails details, RateLimits rateLimits) {
      this.encodings = encodings;
      this.details = details;
      this.rateLimits = rateLimits;
    }
  }

  // The JDK client does not decode a compressed body; a server may compress even unasked.
  private static InputStream decoded(InputStream in, List<String> encodings) throws IOException {
    if (encodings.isEmpty()) {
      return in;
    }
    if (encodings.contains("gzip")) {
      return new GZIPInputStream(in);
    }
    if (encodings.contains("deflate")) {
      return new InflaterInputStream(in);
    }
    return in;
  }

  /**
   * Stops watching a body against the call's deadline, for a stream that reads it under its own
   * idle timeout from now on.
   *
   * @param body the body stream of a response from this client
   * @throws BodyTimeoutException if the deadline passed first: the body is closed
   */
  static void disarm(InputStream body) throws BodyTimeoutException {
    if (body instanceof WatchedBody && !((WatchedBody) body).disarm()) {
      throw new BodyTimeoutException(null);
    }
  }

  /**
   * Counts the bodies watched against a deadline now, for tests that check none is left behind.
   *
   * @return the bodies watched
   */
  public int watchedBodies() {
    return watched.size();
  }

  /**
   * Tells whether the deadline sweep is pending on the scheduler; it stays there, watching
   * nothing, until the earliest deadline it was scheduled for.
   *
   * @return whether a sweep is pending
   */
  public boolean sweepPending() {
    return sweepPending;
  }

  private void watch(Watched body) {
    watched.add(body);
    // Covered when a sweep is pending at or before this deadline; checked after the add, so that
    // a sweep running now either sees the body or has already cleared sweepPending.
    if (sweepPending && body.deadline() - sweepAt >= 0) {
      return;
    }
    synchronized (sweepLock) {
      if (!sweepPending || body.deadline() - sweepAt < 0) {
        scheduleSweep(body.deadline(), body);
      }
    }
  }

  private void unwatch(Watched body) {
    watched.remove(body);
  }

  // Called with sweepLock held.
  private void scheduleSweep(long at, @Nullable Watched adding) {
    ScheduledFuture<?> previous = sweep;
    try {
      sweep = scheduler.schedule(this::sweep, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException providerClosed) {
      sweep = null;
      sweepPending = false;
      if (adding != null) {
        watched.remove(adding);
        throw new ProviderClosedException(providerClosed);
      }
      return;
    }
    sweepAt = at;
    sweepPending = true;
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private void sweep() {
    synchronized (sweepLock) {
      // First, so that a body added from now on schedules for itself if this sweep misses it.
      sweepPending = false;
      sweep = null;
      long now = System.nanoTime();
      boolean more = false;
      long next = 0;
      for (Watched body : watched) {
        long deadline = body.deadline();
        if (now - deadline >= 0) {
          watched.remove(body);
          body.expire();
        } else if (!more || deadline - next < 0) {
          next = deadline;
          more = true;
        }
      }
      if (more) {
        scheduleSweep(next, null);
      }
    }
  }

  /** A body read under a deadline. */
  private interface Watched {
    /** The deadline, in {@link System#nanoTime()}'s terms. */
    long deadline();

    /** Ends the reading of the body, the deadline having passed; on the scheduler's thread. */
    void expire();
  }

  /** The options of a call, which carry its deadline to the body watch. */
  static final class CallOptions extends Request.Options {
    private final Deadline deadline;

    CallOptions(long connectMillis, long readMillis, Deadline deadline) {
      super(connectMillis, TimeUnit.MILLISECONDS, readMillis, TimeUnit.MILLISECONDS, false);
      this.deadline = deadline;
    }

    Deadline deadline() {
      return deadline;
    }
  }

  /** The provider was closed while the call was made; the ports let it through as it is. */
  static final class ProviderClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ProviderClosedException(@Nullable RejectedExecutionException cause) {
      super("The provider is closed", cause);
    }
  }

  /**
   * Returns a response unless a proxy answered it with 407 ({@link Network#proxyRefused}), whose
   * body, if any, is dropped.
   *
   * @throws ProxyRefusedException if a proxy wants credentials
   */
  private static <T> HttpResponse<T> proxyAccepted(HttpResponse<T> response)
      throws ProxyRefusedException {
    if (response.statusCode() != Network.PROXY_AUTHENTICATION_REQUIRED) {
      return response;
    }
    if (response.body() instanceof InputStream) {
      // A stream's body from a proxy of plain HTTP: nobody reads it.
      try {
        ((InputStream) response.body()).close();
      } catch (IOException ignored) {
        // The refusal below says what went wrong.
      }
    }
    throw new ProxyRefusedException();
  }

  /**
   * A proxy answered 407: carried through Feign's {@code IOException} to {@link HttpFailures},
   * which knows what the call was and reports {@link Network#proxyRefused}.
   */
  static final class ProxyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    ProxyRefusedException() {
      super("the proxy answered HTTP " + Network.PROXY_AUTHENTICATION_REQUIRED);
    }
  }

  /** Reading a body was stopped because the call's deadline passed. */
  static final class BodyTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTimeoutException(@Nullable IOException cause) {
      super("the deadline passed while the response body was read", cause);
    }
  }

  /**
   * A body handler that first reads the response's headers, on the HTTP client's thread that
   * parsed them (see the class comment).
   *
   * @param <T> the body's type
   */
  private abstract class HeadersFirst<T> implements HttpResponse.BodyHandler<T> {
    // Written on the HTTP client's thread before the body, read by the caller after send returns.
    private @Nullable HeadersRead read;

    @Override
    public final HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
      read = readHeaders(info.statusCode(), info.headers());
      return body();
    }

    /** Makes the body's subscriber, once the headers are read. */
    abstract HttpResponse.BodySubscriber<T> body();

    /** What was read from the headers of the response that {@code send} returned. */
    HeadersRead read() {
      HeadersRead headers = read;
      if (headers == null) {
        // Never: the client asks for a body subscriber before it returns a response, but for a
        // proxy's 407 to a tunnel, which proxyAccepted turned away first.
        throw new IllegalStateException("the response's headers were not read");
      }
      return headers;
    }
  }

  /** An event stream's body, handed over unread. */
  private final class StreamBody extends HeadersFirst<InputStream> {
    @Override
    HttpResponse.BodySubscriber<InputStream> body() {
      return HttpResponse.BodySubscribers.ofInputStream();
    }
  }

  /**
   * Receives a plain body whole, on the JDK client's threads, as {@code BodyHandlers.ofByteArray()}
   * does; watched from the arrival of the headers to the end of the body, when under a deadline.
   *
   * <p>The bytes are gathered by a {@link Flow.Subscriber} adapted with {@link
   * HttpResponse.BodySubscribers#fromSubscriber}: the JDK client completes such a body on the thread
   * that read its end, as it does {@code ofByteArray()}'s, while a {@link
   * HttpResponse.BodySubscriber} of our own would be completed on the client's executor, a thread
   * woken for every call (about 10 us of CPU per chat call, in a profile on two cores).
   */
  private final class WholeBody extends HeadersFirst<byte[]> {
    private final @Nullable Deadline deadline;

    WholeBody(@Nullable Deadline deadline) {
      this.deadline = deadline;
    }

    @Override
    HttpResponse.BodySubscriber<byte[]> body() {
      if (deadline == null) {
        return HttpResponse.BodySubscribers.fromSubscriber(
            new BodyBytes(0, false), BodyBytes::join);
      }
      BodyBytes body = new BodyBytes(System.nanoTime() + deadline.remainingNanos(), true);
      HttpResponse.BodySubscriber<byte[]> subscriber =
          HttpResponse.BodySubscribers.fromSubscriber(body, BodyBytes::join);
      body.subscriber = subscriber;
      try {
        watch(body);
      } catch (ProviderClosedException closed) {
        body.fail(closed);
      }
      return subscriber;
    }
  }

  /** The bytes of a plain body, gathered as they arrive and joined once at the end. */
  private final class BodyBytes implements Flow.Subscriber<List<ByteBuffer>>, Watched {
    private final List<ByteBuffer> received = new ArrayList<>();
    private final long deadline;
    private final boolean isWatched;
    // Set once: by the end of the body, its failure, or the deadline.
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Flow.@Nullable Subscription subscription;
    // The JDK's adapter around this, whose body the client waits for; set, for a watched body,
    // before it is watched (only the deadline and the provider's closing fail a body).
    volatile HttpResponse.@Nullable BodySubscriber<byte[]> subscriber;

    BodyBytes(long deadline, boolean isWatched) {
      this.deadline = deadline;
      this.isWatched = isWatched;
    }

    @Override
    public long deadline() {
      return deadline;
    }

    @Override
    public void expire() {
      fail(new BodyTimeoutException(null));
    }

    // Fails the body the client waits for through the adapter (which completes it on any
    // thread), then cancels the receiving. In this order: on JDK 25 (not 17), cancelling makes the
    // client fail the body at once with an error of its own ("bytes received"), which would
    // otherwise be the one the caller sees instead of the deadline's.
    void fail(Throwable failure) {
      if (ended.compareAndSet(false, true)) {
        HttpResponse.BodySubscriber<byte[]> adapter = subscriber;
        if (adapter != null) {
          adapter.onError(failure);
        }
        Flow.Subscription current = subscription;
        if (current != null) {
          current.cancel();
        }
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (ended.get()) {
        subscription.cancel();
      } else {
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      // The client hands over buffers it does not use again, as for ofByteArray().
      received.addAll(items);
    }

    @Override
    public void onError(Throwable throwable) {
      ended.set(true);
      done();
    }

    @Override
    public void onComplete() {
      ended.set(true);
      done();
    }

    // The adapter's finisher, after onComplete on the same thread.
    byte[] join() {
      int size = 0;
      for (int i = 0, n = received.size(); i < n; i++) {
        size = Math.addExact(size, received.get(i).remaining());
      }
      byte[] bytes = new byte[size];
      int at = 0;
      for (int i = 0, n = received.size(); i < n; i++) {
        ByteBuffer buffer = received.get(i);
        int count = buffer.remaining();
        buffer.get(bytes, at, count);
        at += count;
      }
      received.clear();
      return bytes;
    }

    private void done() {
      if (isWatched) {
        unwatch(this);
      }
    }
  }

  /**
   * The body of a response of this client, with the response's headers as the JDK client parsed
   * them and what was read from them as they arrived (see the class comment). Public for
   * benchmarks that answer from memory as this client does.
   */
  public static final class ReceivedBody implements Response.Body {
    private final InputStream in;
    private final @Nullable Integer length;
    private final HttpHeaders headers;
    private final ErrorDetails details;
    private final RateLimits rateLimits;

    /**
     * Wraps a body.
     *
     * @param in the body, read once
     * @param length its length in bytes, null when unknown
     * @param headers the response's headers
     * @param details the response's status and request id, from {@link HttpFailures#details}
     * @param rateLimits the response's rate limits, from {@link RateLimitHeaders#from}
     */
    public ReceivedBody(
        InputStream in,
        @Nullable Integer length,
        HttpHeaders headers,
        ErrorDetails details,
        RateLimits rateLimits) {
      this.in = in;
      this.length = length;
      this.headers = headers;
      this.details = details;
      this.rateLimits = rateLimits;
    }

    /**
     * Returns the response's headers.
     *
     * @return every header, case-insensitive, unmodifiable
     */
    public Map<String, Collection<String>> headers() {
      return Collections.unmodifiableMap(headers.map());
    }

    /**
     * Returns the response's details.
     *
     * @return the status and request id, for what the call returns or throws
     */
    public ErrorDetails details() {
      return details;
    }

    /**
     * Returns the response's rate limits.
     *
     * @return the limits, {@link RateLimits#NONE} when none were sent
     */
    public RateLimits rateLimits() {
      return rateLimits;
    }

    @Override
    public @Nullable Integer length() {
      return length;
    }

    @Override
    public boolean isRepeatable() {
      return false;
    }

    @Override
    public InputStream asInputStream() {
      return in;
    }

    @Override
    public Reader asReader(Charset charset) {
      return new InputStreamReader(in, charset);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * A body received whole. {@link #readAllBytes()} hands the array over instead of copying it, as
   * nothing else reads it. Public for benchmarks that answer from memory as this client does.
   */
  public static final class BufferedBody extends ByteArrayInputStream {
    /**
     * Wraps a body.
     *
     * @param body the whole body, handed over: not to be changed afterwards
     */
    public BufferedBody(byte[] body) {
      super(body);
    }

    /**
     * Hands the body over whole when nothing was read yet, else reads the rest.
     *
     * @return the body's bytes
     */
    @Override
    public synchronized byte[] readAllBytes() {
      if (pos == 0 && count == buf.length) {
        pos = count;
        return buf;
      }
      return super.readAllBytes();
    }
  }

  /** A stream's body, closed by the sweep when the deadline passes before it is disarmed. */
  private final class WatchedBody extends InputStream implements Watched {
    private final InputStream in;
    private final long deadline;
    // Set once, by whichever comes first: the deadline, or disarm().
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean expired;

    WatchedBody(InputStream in, Deadline deadline) {
      this.in = in;
      this.deadline = System.nanoTime() + deadline.remainingNanos();
    }

    @Override
    public long deadline() {
      return deadline;
    }

    boolean disarm() {
      if (!settled.compareAndSet(false, true)) {
        return false;
      }
      unwatch(this);
      return true;
    }

    @Override
    public void expire() {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      expired = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing only ends the blocked read; the reader reports the timeout.
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read;
      try {
        read = in.read(buffer, offset, length);
      } catch (IOException e) {
        throw expired ? new BodyTimeoutException(e) : e;
      }
      // A closed stream may also just end: a body cut by the deadline must not look complete.
      if (expired) {
        throw new BodyTimeoutException(null);
      }
      return read;
    }

    @Override
    public int read() throws IOException {
      int read;
      try {
        read = in.read();
      } catch (IOException e) {
        throw expired ? new BodyTimeoutException(e) : e;
      }
      if (expired) {
        throw new BodyTimeoutException(null);
      }
      return read;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      unwatch(this);
      in.close();
    }
  }
}
