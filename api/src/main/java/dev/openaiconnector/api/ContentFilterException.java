package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** The provider refused the prompt or the answer under its content policy. */
public class ContentFilterException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public ContentFilterException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
