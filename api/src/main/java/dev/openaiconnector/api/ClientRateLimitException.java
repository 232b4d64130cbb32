package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * The connector's own rate limiter (requests per minute) gave no permit within its wait, so the call was not sent. Not retried within the call: raise the limit or slow down.
 */
public class ClientRateLimitException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to change
   * @param details the provider; there was no HTTP exchange
   * @param cause the underlying failure, or null
   */
  public ClientRateLimitException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
