package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * The connector already runs its maximum number of concurrent calls and no permit came free within the bulkhead's wait, so the call was not sent. Not retried within the call: raise the limit or slow down.
 */
public class BulkheadFullException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to change
   * @param details the provider; there was no HTTP exchange
   * @param cause the underlying failure, or null
   */
  public BulkheadFullException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
