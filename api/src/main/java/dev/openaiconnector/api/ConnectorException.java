package dev.openaiconnector.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception this library throws. Catch {@link RetriableException} for
 * failures that may pass on a later attempt and {@link NonRetriableException} for the rest.
 *
 * <p>The message says what happened and, where the caller can act, what to change. It never
 * contains an API key, a token or a prompt.
 */
public abstract class ConnectorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorDetails details;

  /**
   * Creates the exception.
   *
   * @param message what happened; the details are appended
   * @param details what is known about the failure
   * @param cause the underlying failure, or null
   */
  protected ConnectorException(String message, ErrorDetails details, @Nullable Throwable cause) {
    super(withDetails(message, details), cause);
    this.details = Objects.requireNonNull(details, "details");
  }

  private static String withDetails(String message, ErrorDetails details) {
    String described = details.describe();
    return described.isEmpty() ? message : message + " (" + described + ")";
  }

  /**
   * Tells whether a later attempt of the same call may succeed.
   *
   * @return true for the {@link RetriableException} branch
   */
  public abstract boolean isRetriable();

  /**
   * Returns everything known about the failure.
   *
   * @return the details
   */
  public ErrorDetails details() {
    return details;
  }

  /**
   * Returns the id of the provider that failed.
   *
   * @return the provider id, or empty for a failure before a provider was involved
   */
  public Optional<String> providerId() {
    return Optional.ofNullable(details.providerId());
  }

  /**
   * Returns the HTTP status of the failed call.
   *
   * @return the status, or empty when there was no HTTP response
   */
  public OptionalInt status() {
    return details.httpStatus();
  }

  /**
   * Returns the provider's error type.
   *
   * @return the error type, for example {@code invalid_request_error}
   */
  public Optional<String> errorType() {
    return Optional.ofNullable(details.errorType());
  }

  /**
   * Returns the provider's error code.
   *
   * @return the error code, for example {@code rate_limit_exceeded}
   */
  public Optional<String> errorCode() {
    return Optional.ofNullable(details.errorCode());
  }

  /**
   * Returns the provider's request id, to quote to the provider's support.
   *
   * @return the request id
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(details.requestId());
  }

  /**
   * Returns how long the server asked the client to wait before a retry.
   *
   * @return the wait
   */
  public Optional<Duration> retryAfter() {
    return details.retryAfterDuration();
  }
}
