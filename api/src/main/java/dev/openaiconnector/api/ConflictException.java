package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 409: the request conflicted with another one in flight; retrying usually succeeds. */
public class ConflictException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public ConflictException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
