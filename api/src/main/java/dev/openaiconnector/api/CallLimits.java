package dev.openaiconnector.api;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The limits every request may set for its own call (timeout, retries), checked alike. */
final class CallLimits {
  private CallLimits() {}

  /**
   * Adds a problem for each limit that is set but not allowed.
   *
   * @param problems where the problems go
   * @param timeout the request's timeout, or null for the connector's
   * @param maxRetries the request's retries, or null for the connector's
   */
  static void check(
      List<String> problems, @Nullable Duration timeout, @Nullable Integer maxRetries) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      problems.add(
          "timeout must be positive, was " + timeout + "; leave it unset for the connector's");
    }
    if (maxRetries != null && maxRetries < 0) {
      problems.add(
          "maxRetries must be zero or more, was "
              + maxRetries
              + "; use 0 to turn retries off for this request");
    }
  }
}
