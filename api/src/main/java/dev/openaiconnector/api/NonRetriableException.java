package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** A failure that the same call will meet again: the request or the configuration must change. */
public abstract class NonRetriableException extends ConnectorException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  protected NonRetriableException(
      String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
