package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * The connector's circuit breaker for this provider and operation is open after repeated failures, so the call was not sent. A later call may pass once the breaker half-opens; the call itself is not retried, which is the point of the breaker.
 */
public class CircuitOpenException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to change
   * @param details the provider; there was no HTTP exchange
   * @param cause the underlying failure, or null
   */
  public CircuitOpenException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
