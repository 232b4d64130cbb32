package dev.openaiconnector.openai.internal;

import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.ChatEventSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The deltas of one streamed chat completion, read from the response body as the events arrive.
 *
 * <p>{@link #next()} reads events until one gives a delta (queueing the others a chunk gives) and
 * returns it; nothing is read ahead. It ends at {@code data: [DONE]}, after reading the body to
 * its end so that the JDK client can pool the connection. Failures:
 *
 * <table>
 *   <caption>Stream fault to exception</caption>
 *   <tr><th>Fault</th><th>Exception</th></tr>
 *   <tr><td>an error event or chunk</td><td>by its code and type, see {@link
 *       HttpFailures#streamError}</td></tr>
 *   <tr><td>a chunk that is not JSON, not a chunk, or holds impossible values</td>
 *       <td>{@link UnexpectedResponseException}, without the chunk's content</td></tr>
 *   <tr><td>the body ends without {@code [DONE]}</td><td>{@link ConnectionException}</td></tr>
 *   <tr><td>reading fails (connection reset, dropped)</td><td>{@link ConnectionException}</td></tr>
 *   <tr><td>the reading thread is interrupted</td><td>{@link CallInterruptedException}, with the
 *       thread's interrupt flag set again: at once when {@code next()} is called interrupted;
 *       a read already blocked in the JDK 17 client's body stream is not woken by the interrupt
 *       (that client keeps waiting), so it fails when the read ends, at the latest by the idle
 *       timeout</td></tr>
 *   <tr><td>no bytes within the idle timeout while waiting</td>
 *       <td>{@link RequestTimeoutException}</td></tr>
 *   <tr><td>{@link #close()} (by the consumer, or the provider closing)</td>
 *       <td>{@link StreamCancelledException}</td></tr>
 * </table>
 *
 * <p>After a failure the body is closed and {@code next()} throws the same exception again.
 * {@code next()} is called from one thread at a time; {@link #close()} from any thread, also
 * while {@code next()} blocks: it closes the body, which ends the blocked read at once.
 */
public final class OpenAiEventSource implements ChatEventSource {
  private static final int OPEN = 0;
  private static final int CLOSED = 1;
  private static final int IDLE = 2;
  // Bytes after [DONE] that are read to let the connection be pooled; more means a broken server.
  private static final int MAX_DRAIN = 64 * 1024;

  private final String providerId;
  private final InputStream body;
  // The body as read: through the idle timeout when there is one, also while draining.
  private final InputStream input;
  private final ServerSentEventReader reader;
  private final ChatChunkDecoder decoder;
  private final ErrorDetails details;
  private final @Nullable String requestId;
  private final Duration idleTimeout;
  private final Consumer<? super OpenAiEventSource> onRelease;
  private final RateLimits rateLimits;
  private final ArrayDeque<ChatDelta> pending = new ArrayDeque<>();
  private final AtomicInteger closeReason = new AtomicInteger(OPEN);
  private final AtomicBoolean released = new AtomicBoolean();
  private final @Nullable IdleTimeout idle;
  private boolean done;
  private @Nullable ConnectorException failure;

  /**
   * Starts reading a stream.
   *
   * @param providerId the id exceptions carry
   * @param body the response body; closed by this source
   * @param decoder the chunk decoder for this stream
   * @param details what exceptions carry: provider, status, request id
   * @param scheduler the provider's scheduler for the idle timeout, or null for none
   * @param idleTimeout how long a read may wait for bytes; ignored without a scheduler
   * @param onRelease called once with this source when the body is closed, whatever the reason
   * @param rateLimits the rate limits from the response headers
   */
  public OpenAiEventSource(
      String providerId,
      InputStream body,
      ChatChunkDecoder decoder,
      ErrorDetails details,
      @Nullable ScheduledExecutorService scheduler,
      Duration idleTimeout,
      Consumer<? super OpenAiEventSource> onRelease,
      RateLimits rateLimits) {
    this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
    this.providerId = Objects.requireNonNull(providerId, "providerId");
    this.body = Objects.requireNonNull(body, "body");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.details = Objects.requireNonNull(details, "details");
    this.requestId = details.requestId();
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.onRelease = Objects.requireNonNull(onRelease, "onRelease");
    this.idle =
        scheduler == null
            ? null
            : new IdleTimeout(scheduler, idleTimeout.toNanos(), this::closeForIdleness);
    this.input = idle == null ? body : idle.watch(body);
    this.reader = new ServerSentEventReader(input);
  }

  @Override
  public @Nullable ChatDelta next() {
    if (done) {
      return null;
    }
    if (failure != null) {
      throw failure;
    }
    if (closeReason.get() != OPEN) {
      throw fail(stopped(null));
    }
    if (Thread.currentThread().isInterrupted()) {
      throw fail(interrupted(null));
    }
    ChatDelta delta = pending.poll();
    if (delta != null) {
      return delta;
    }
    ConnectorException failed;
    try {
      while (reader.next()) {
        if (reader.isDone()) {
          finish();
          return null;
        }
        decoder.decode(reader, pending);
        delta = pending.poll();
        if (delta != null) {
          return delta;
        }
      }
      failed =
          closeReason.get() == OPEN
              ? new ConnectionException(
                  "The " + providerId + " stream ended before [DONE]", details, null)
              : stopped(null);
    } catch (ServerSentEventReader.MalformedStreamException e) {
      failed =
          new UnexpectedResponseException(
              "The " + providerId + " stream is not a valid event stream: " + e.getMessage(),
              details,
              null);
    } catch (IOException e) {
      if (HttpFailures.isInterruption(e)) {
        Thread.currentThread().interrupt();
        throw fail(interrupted(e));
      }
      failed =
          closeReason.get() == OPEN
              ? new ConnectionException(
                  "The connection failed while reading the "
                      + providerId
                      + " stream ("
                      + e.getClass().getSimpleName()
                      + ")",
                  details,
                  e)
              : stopped(e);
    } catch (ConnectorException e) {
      failed = e;
    } catch (RuntimeException e) {
      // A chunk that is JSON but not a possible one, such as a negative token count.
      failed =
          new UnexpectedResponseException(
              "A chunk of the " + providerId + " stream holds impossible values", details, e);
    }
    throw fail(failed);
  }

  private CallInterruptedException interrupted(@Nullable IOException cause) {
    return new CallInterruptedException(
        "Reading the " + providerId + " stream was interrupted", details, cause);
  }

  private ConnectorException stopped(@Nullable IOException cause) {
    if (closeReason.get() == IDLE) {
      return new RequestTimeoutException(
          "No data arrived on the "
              + providerId
              + " stream within the idle timeout of "
              + idleTimeout.toMillis()
              + " ms; the stream was closed",
          details,
          cause);
    }
    return new StreamCancelledException(providerId);
  }

  private ConnectorException fail(ConnectorException e) {
    failure = e;
    release();
    return e;
  }

  /** Reads the rest of the body so that the connection can be pooled; a failure changes nothing. */
  private void finish() {
    done = true;
    byte[] rest = new byte[512];
    try {
      InputStream in = input;
      for (int total = 0; total < MAX_DRAIN; ) {
        int read = in.read(rest);
        if (read < 0) {
          break;
        }
        total += read;
      }
    } catch (IOException answerAlreadyComplete) {
      // The answer is whole; the connection is simply not reused.
    }
    release();
  }

  private void closeForIdleness() {
    if (closeReason.compareAndSet(OPEN, IDLE)) {
      release();
    }
  }

  private void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    if (idle != null) {
      idle.stop();
    }
    // Counted as released before the body closes: closing wakes a reader blocked on it (after an
    // idle timeout, from the scheduler's thread), which may look at once, while the rest of the
    // close (the HTTP client's cancellation, run in place) is still under way.
    onRelease.accept(this);
    try {
      body.close();
    } catch (IOException ignored) {
      // Closing only frees the connection; there is nothing left to report.
    }
  }

  boolean isReleased() {
    return released.get();
  }

  @Override
  public @Nullable String requestId() {
    return requestId;
  }

  @Override
  public RateLimits rateLimits() {
    return rateLimits;
  }

  @Override
  public @Nullable String completionId() {
    return decoder.completionId();
  }

  @Override
  public @Nullable String model() {
    return decoder.model();
  }

  @Override
  public ContentFilterReport contentFilter() {
    return decoder.contentFilter();
  }

  @Override
  public void close() {
    closeReason.compareAndSet(OPEN, CLOSED);
    release();
  }

  @Override
  public String toString() {
    return "OpenAiEventSource[provider="
        + providerId
        + (requestId == null ? "" : ", requestId=" + requestId)
        + (done ? ", done" : failure != null ? ", failed" : "")
        + "]";
  }
}
