package dev.openaiconnector.openai.internal;

import dev.openaiconnector.spi.Deadline;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Feign client under the ports: sends through the JDK client, writes the wire log of each
 * request (the one place that sees the encoded body), and bounds the reading of a plain call's
 * body by the call's deadline.
 *
 * <p>Why a watchdog: the JDK client's request timeout ends when the headers arrive, and Feign
 * reads a body of up to 8 KB itself before the port sees it, so a server that stops half way
 * through a body would block the caller past its deadline. For a plain call ({@link CallOptions})
 * the body stream is wrapped, and one task is scheduled on the provider's shared scheduler for the
 * moment the deadline passes; it closes the body, which ends a blocked read at once, and the read
 * then fails with a {@link BodyTimeoutException} that the error mapping reports as a timeout.
 * Closing the body cancels the task. So a plain call costs one scheduled task, and a read one
 * volatile read; nothing is allocated or scheduled per read. An event stream is watched the same
 * way while it opens (an error body, or a plain answer in place of a stream, is read within the
 * deadline); once its body is handed to the reader, {@link #disarm} cancels the task, and the
 * stream's idle timeout bounds each wait instead, as a stream may rightly outlive any deadline.
 * Thread-safe.
 */
public final class DeadlineClient implements Client {
  private final Client delegate;
  private final ScheduledExecutorService scheduler;
  private final WireLog wireLog;

  /**
   * Creates the client.
   *
   * @param delegate the client that sends, Feign's {@code Http2Client}
   * @param scheduler the provider's shared scheduler
   * @param wireLog the wire log
   */
  public DeadlineClient(Client delegate, ScheduledExecutorService scheduler, WireLog wireLog) {
    this.delegate = delegate;
    this.scheduler = scheduler;
    this.wireLog = wireLog;
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    wireLog.request(request);
    Response response = delegate.execute(request, options);
    Response.Body body = response.body();
    if (!(options instanceof CallOptions) || body == null) {
      return response;
    }
    WatchedBody watched = new WatchedBody(body.asInputStream());
    try {
      long nanos = ((CallOptions) options).deadline.remainingNanos();
      watched.task = scheduler.schedule(watched, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException providerClosed) {
      response.close();
      throw new ProviderClosedException(providerClosed);
    }
    return response.toBuilder().body(watched, body.length()).build();
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

  /** The options of a call, which carry its deadline to the body watchdog. */
  static final class CallOptions extends Request.Options {
    private final Deadline deadline;

    CallOptions(long connectMillis, long readMillis, Deadline deadline) {
      super(connectMillis, TimeUnit.MILLISECONDS, readMillis, TimeUnit.MILLISECONDS, false);
      this.deadline = deadline;
    }
  }

  /** The provider was closed while the call was made; the ports let it through as it is. */
  static final class ProviderClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ProviderClosedException(RejectedExecutionException cause) {
      super("The provider is closed", cause);
    }
  }

  /** Reading a body was stopped because the call's deadline passed. */
  static final class BodyTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTimeoutException(@Nullable IOException cause) {
      super("the deadline passed while the response body was read", cause);
    }
  }

  /** A body closed by the scheduler when the deadline passes. */
  private static final class WatchedBody extends InputStream implements Runnable {
    private final InputStream in;
    // Set once, by whichever comes first: the deadline, or disarm().
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean expired;
    private volatile @Nullable Future<?> task;

    WatchedBody(InputStream in) {
      this.in = in;
    }

    boolean disarm() {
      if (!settled.compareAndSet(false, true)) {
        return false;
      }
      Future<?> pending = task;
      if (pending != null) {
        pending.cancel(false);
      }
      return true;
    }

    @Override
    public void run() {
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
      Future<?> pending = task;
      if (pending != null) {
        pending.cancel(false);
      }
      in.close();
    }
  }
}
