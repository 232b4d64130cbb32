package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 429: too many requests or tokens per minute; wait {@link #retryAfter()} and try again. */
public class RateLimitException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public RateLimitException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
