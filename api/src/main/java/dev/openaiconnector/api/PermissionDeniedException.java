package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 403: the credentials are valid but may not use this resource, model or region. */
public class PermissionDeniedException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public PermissionDeniedException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
