package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** The call took longer than its timeout, or the server answered HTTP 408. */
public class RequestTimeoutException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public RequestTimeoutException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
