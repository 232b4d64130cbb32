package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** The provider answered with something this library cannot read, for example a truncated or non-JSON body. */
public class UnexpectedResponseException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public UnexpectedResponseException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
