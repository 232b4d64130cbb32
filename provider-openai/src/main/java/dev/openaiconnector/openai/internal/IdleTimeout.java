package dev.openaiconnector.openai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Fires when a stream's reader has waited for bytes longer than the idle timeout: the JDK client's
 * request timeout covers the response headers only, so a server that stops sending in the middle
 * of a body would otherwise block the reader forever.
 *
 * <p>Only time spent blocked in {@code read} counts: a consumer that takes its time between
 * deltas is not the server's silence (the JDK client keeps receiving into its own buffers
 * meanwhile). A read costs two volatile writes and one {@link System#nanoTime()}; nothing is
 * allocated or scheduled per read. One task per stream is pending on the shared scheduler at a
 * time; when it runs it either fires or re-arms itself for the earliest moment the timeout could
 * expire, so a busy stream schedules about one task per timeout period (the lazy deadline of
 * Netty's {@code IdleStateHandler}).
 *
 * <p>Thread-safe: {@link #watch} wraps the stream its reader uses; the scheduler runs the check;
 * {@link #stop()} may be called from any thread.
 */
final class IdleTimeout implements Runnable {
  private static final long NOT_WAITING = Long.MIN_VALUE;

  private final ScheduledExecutorService scheduler;
  private final long timeoutNanos;
  private final Runnable onTimeout;
  private volatile long waitingSince = NOT_WAITING;
  private volatile boolean stopped;
  private volatile @Nullable ScheduledFuture<?> pending;

  /**
   * Creates and arms the timeout.
   *
   * @param scheduler the provider's shared scheduler
   * @param timeoutNanos how long a read may wait for bytes
   * @param onTimeout what to do when it fires, on the scheduler's thread: close the stream
   */
  IdleTimeout(ScheduledExecutorService scheduler, long timeoutNanos, Runnable onTimeout) {
    this.scheduler = scheduler;
    this.timeoutNanos = timeoutNanos;
    this.onTimeout = onTimeout;
    schedule(timeoutNanos);
  }

  /**
   * Wraps a stream so that its reads are watched.
   *
   * @param in the body stream
   * @return the watched stream; closing it closes {@code in}
   */
  InputStream watch(InputStream in) {
    return new WatchedInputStream(in, this);
  }

  /** Disarms the timeout; idempotent. */
  void stop() {
    stopped = true;
    ScheduledFuture<?> task = pending;
    if (task != null) {
      task.cancel(false);
    }
  }

  @Override
  public void run() {
    if (stopped) {
      return;
    }
    long since = waitingSince;
    if (since == NOT_WAITING) {
      schedule(timeoutNanos);
      return;
    }
    long waited = System.nanoTime() - since;
    if (waited >= timeoutNanos) {
      stopped = true;
      onTimeout.run();
    } else {
      schedule(timeoutNanos - waited);
    }
  }

  private void schedule(long delayNanos) {
    try {
      pending = scheduler.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException providerClosed) {
      // The provider closed its scheduler, and closes its open streams itself.
      return;
    }
    if (stopped) {
      stop();
    }
  }

  private void waiting() {
    waitingSince = System.nanoTime();
  }

  private void received() {
    waitingSince = NOT_WAITING;
  }

  /** Marks the time spent blocked in each read. */
  private static final class WatchedInputStream extends InputStream {
    private final InputStream in;
    private final IdleTimeout timeout;

    WatchedInputStream(InputStream in, IdleTimeout timeout) {
      this.in = in;
      this.timeout = timeout;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      timeout.waiting();
      try {
        return in.read(buffer, offset, length);
      } finally {
        timeout.received();
      }
    }

    @Override
    public int read() throws IOException {
      timeout.waiting();
      try {
        return in.read();
      } finally {
        timeout.received();
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
