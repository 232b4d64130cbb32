package dev.openaiconnector.openai.internal;

import dev.openaiconnector.spi.Deadline;
import feign.Request;
import java.time.Duration;

/**
 * The per-call Feign options: the read timeout (the JDK client's request timeout, which covers the
 * response headers) is the smaller of the provider's request timeout and what is left of the
 * call's deadline. The connect timeout is the JDK client's own, which {@link DeadlineClient} sends
 * with; it is carried along only because Feign's options have one.
 */
public final class CallTimeouts {
  private final long connectMillis;
  private final long requestMillis;

  /**
   * Creates the timeouts.
   *
   * @param connectTimeout the connect timeout the JDK client was built with
   * @param requestTimeout the provider's request timeout
   */
  public CallTimeouts(Duration connectTimeout, Duration requestTimeout) {
    this.connectMillis = connectTimeout.toMillis();
    this.requestMillis = requestTimeout.toMillis();
  }

  /**
   * Options for a call: the deadline bounds the headers, and {@link DeadlineClient} bounds reading
   * the body by it too (for a stream, until the stream takes the body over).
   *
   * @param deadline the call's deadline, not expired
   * @return the options
   */
  Request.Options forCall(Deadline deadline) {
    return new DeadlineClient.CallOptions(connectMillis, readMillis(deadline), deadline);
  }

  private long readMillis(Deadline deadline) {
    // Rounded up: a deadline a few microseconds away is not yet a timeout.
    long left = (deadline.remainingNanos() + 999_999) / 1_000_000;
    return Math.max(1, Math.min(requestMillis, left));
  }
}
