package dev.openaiconnector.api;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What is known about a failure: which provider, the HTTP status, the provider's error type and
 * code, the request id to quote to the provider's support, and how long the server asked to wait.
 * Every part is optional because a failure before or outside an HTTP exchange has none of them.
 *
 * @param providerId the provider's id, for example {@code openai}
 * @param status the HTTP status, or 0 when there was no HTTP response
 * @param errorType the provider's error type, for example {@code invalid_request_error}
 * @param errorCode the provider's error code, for example {@code insufficient_quota}
 * @param param the request parameter the provider blamed, for example {@code temperature}
 * @param requestId the provider's request id ({@code x-request-id} for OpenAI)
 * @param retryAfter how long the server asked the client to wait before retrying
 */
public record ErrorDetails(
    @Nullable String providerId,
    int status,
    @Nullable String errorType,
    @Nullable String errorCode,
    @Nullable String param,
    @Nullable String requestId,
    @Nullable Duration retryAfter)
    implements Serializable {

  /** Nothing known: a failure on the client side. */
  public static final ErrorDetails NONE = new ErrorDetails(null, 0, null, null, null, null, null);

  /** Checks the status is 0 or an HTTP status. */
  public ErrorDetails {
    if (status != 0 && (status < 100 || status > 599)) {
      throw new IllegalArgumentException("status must be 0 or 100..599, was " + status);
    }
  }

  /**
   * Details that name the provider and nothing else, for example for a connection failure.
   *
   * @param providerId the provider's id
   * @return the details
   */
  public static ErrorDetails ofProvider(String providerId) {
    return new ErrorDetails(providerId, 0, null, null, null, null, null);
  }

  /**
   * Returns the HTTP status, if there was a response.
   *
   * @return the status
   */
  public OptionalInt httpStatus() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * Returns the server's requested wait, if it gave one.
   *
   * @return the wait
   */
  public Optional<Duration> retryAfterDuration() {
    return Optional.ofNullable(retryAfter);
  }

  /** Describes the details for an exception message; holds no secret by construction. */
  String describe() {
    StringBuilder text = new StringBuilder();
    append(text, "provider", providerId);
    if (status != 0) {
      append(text, "status", Integer.toString(status));
    }
    append(text, "type", errorType);
    append(text, "code", errorCode);
    append(text, "param", param);
    append(text, "request id", requestId);
    if (retryAfter != null) {
      // A server may ask for an absurd wait; describing it must not overflow.
      append(text, "retry after", (retryAfter.getSeconds() > Long.MAX_VALUE / 1000
          ? retryAfter.getSeconds() + " s" : retryAfter.toMillis() + " ms"));
    }
    return text.toString();
  }

  private static void append(StringBuilder text, String label, @Nullable String value) {
    if (value != null) {
      text.append(text.length() == 0 ? "" : ", ").append(label).append(' ').append(value);
    }
  }
}
