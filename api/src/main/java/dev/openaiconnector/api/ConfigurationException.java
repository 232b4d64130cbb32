package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * The connector cannot be built as configured: no provider, several providers, a broken provider
 * jar, a missing API key. The message says what was found and how to fix it.
 */
public class ConfigurationException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong and how to fix it
   * @param cause the underlying failure, or null
   */
  public ConfigurationException(String message, @Nullable Throwable cause) {
    super(message, ErrorDetails.NONE, cause);
  }
}
