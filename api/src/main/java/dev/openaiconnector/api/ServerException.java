package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/** HTTP 500 and above: the provider failed or is overloaded. */
public class ServerException extends RetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  public ServerException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(message, details, cause);
  }
}
