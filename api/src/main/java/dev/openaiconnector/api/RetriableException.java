package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** A failure that a later attempt of the same call may not meet: rate limits, timeouts, 5xx. */
public abstract class RetriableException extends ConnectorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  protected RetriableException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
