package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 400, 422 and other 4xx: the provider rejected the request; {@link #errorCode()} and the message say why. */
public class InvalidRequestException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public InvalidRequestException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
