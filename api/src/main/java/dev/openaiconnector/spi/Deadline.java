package dev.openaiconnector.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The moment by which a remote call must have ended, set by the core from the connector's call
 * timeout (or the request's own) across every attempt. A port bounds everything it waits for by
 * it: connecting, the response headers, and reading a plain response's body. Measured on the
 * monotonic clock, so a change of the wall clock does not move it. Immutable.
 */
public final class Deadline {
  // About 73 years: far enough to be no deadline, near enough that nanoTime arithmetic cannot
  // overflow.
  private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;

  /**
   * The longest timeout a deadline tells apart, about 73 years; a longer one means the same. Use it
   * to bound "forever" where a duration is configured.
   */
  public static final Duration LONGEST_TIMEOUT = Duration.ofNanos(FOREVER_NANOS);

  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * A deadline this long from now.
   *
   * @param timeout the time allowed; zero or negative gives a deadline already passed
   * @return the deadline
   */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return new Deadline(System.nanoTime() + saturatedNanos(timeout));
  }

  /**
   * Returns the earlier of this deadline and one {@code timeout} from now.
   *
   * @param timeout the time allowed from now
   * @return this deadline, or an earlier one
   */
  public Deadline atMost(Duration timeout) {
    Deadline other = after(timeout);
    return other.nanoTime - nanoTime < 0 ? other : this;
  }

  /**
   * Returns the time left, never negative.
   *
   * @return the time left; zero once the deadline has passed
   */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /**
   * Returns the time left in nanoseconds, never negative.
   *
   * @return the nanoseconds left; zero once the deadline has passed
   */
  public long remainingNanos() {
    return Math.max(0, nanoTime - System.nanoTime());
  }

  /**
   * Tells whether the deadline has passed.
   *
   * @return true once no time is left
   */
  public boolean isExpired() {
    return remainingNanos() == 0;
  }

  @Override
  public String toString() {
    return "Deadline[remaining=" + remaining() + "]";
  }

  private static long saturatedNanos(Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = timeout.isNegative() ? -FOREVER_NANOS : FOREVER_NANOS;
    }
    return Math.max(-FOREVER_NANOS, Math.min(FOREVER_NANOS, nanos));
  }
}
