package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 404: the model, deployment or endpoint does not exist for these credentials. */
public class NotFoundException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public NotFoundException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
