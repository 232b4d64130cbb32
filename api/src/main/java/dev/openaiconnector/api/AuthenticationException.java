package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 401: the API key or token is missing, wrong or expired. */
public class AuthenticationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public AuthenticationException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
