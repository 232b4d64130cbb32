package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 429 with code {@code insufficient_quota}: the account is out of credit; retrying will not help. */
public class QuotaExceededException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public QuotaExceededException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
