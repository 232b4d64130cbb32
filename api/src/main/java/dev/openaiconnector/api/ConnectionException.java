package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** The connection failed: refused, reset, or closed before the whole response arrived. */
public class ConnectionException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public ConnectionException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
