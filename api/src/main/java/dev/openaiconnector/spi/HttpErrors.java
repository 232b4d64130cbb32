package dev.openaiconnector.spi;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConflictException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The one table from an HTTP error status to an exception type, shared by every HTTP provider so
 * that the same failure is the same exception whichever provider met it.
 *
 * <table>
 *   <caption>Status to exception</caption>
 *   <tr><th>Status</th><th>Exception</th><th>Retriable</th></tr>
 *   <tr><td>400, 422, other 4xx</td><td>{@link InvalidRequestException}</td><td>no</td></tr>
 *   <tr><td>400 with a content-filter code</td><td>{@link ContentFilterException}</td><td>no</td></tr>
 *   <tr><td>401</td><td>{@link AuthenticationException}</td><td>no</td></tr>
 *   <tr><td>403</td><td>{@link PermissionDeniedException}</td><td>no</td></tr>
 *   <tr><td>404</td><td>{@link NotFoundException}</td><td>no</td></tr>
 *   <tr><td>408</td><td>{@link RequestTimeoutException}</td><td>yes</td></tr>
 *   <tr><td>409</td><td>{@link ConflictException}</td><td>yes</td></tr>
 *   <tr><td>429</td><td>{@link RateLimitException}</td><td>yes</td></tr>
 *   <tr><td>429 with code {@code insufficient_quota}</td><td>{@link QuotaExceededException}</td><td>no</td></tr>
 *   <tr><td>500 and above</td><td>{@link ServerException}</td><td>yes</td></tr>
 * </table>
 */
public final class HttpErrors {
  private static final Set<String> CONTENT_FILTER_CODES =
      Set.of("content_filter", "content_policy_violation", "ResponsibleAIPolicyViolation");

  private HttpErrors() {}

  /**
   * Maps an HTTP error to its exception.
   *
   * @param message what happened, from the provider's error body; must hold no secret
   * @param details the status and whatever else the provider said; status must be 400 or above
   * @return the exception to throw
   * @throws IllegalArgumentException if the status is not an error status
   */
  public static ConnectorException toException(String message, ErrorDetails details) {
    return toException(details.status(), message, details);
  }

  /**
   * Tells whether a provider's error code means its content filter refused the prompt or answer.
   *
   * @param code the error code, or null
   * @return true for {@code content_filter}, {@code content_policy_violation} and Azure's {@code
   *     ResponsibleAIPolicyViolation}
   */
  public static boolean isContentFilter(@Nullable String code) {
    return code != null && CONTENT_FILTER_CODES.contains(code);
  }

  /**
   * Maps an error by the HTTP status it stands for, where the response's own status says nothing:
   * an error event inside a stream that began with {@code 200}.
   *
   * @param status the error status the failure stands for, 400 or above
   * @param message what happened; must hold no secret
   * @param details what the provider said, with the response's real status
   * @return the exception to throw
   * @throws IllegalArgumentException if {@code status} is not an error status
   */
  public static ConnectorException toException(int status, String message, ErrorDetails details) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    String code = details.errorCode();
    if (status >= 500) {
      return new ServerException(message, details, null);
    }
    switch (status) {
      case 401:
        return new AuthenticationException(message, details, null);
      case 403:
        return new PermissionDeniedException(message, details, null);
      case 404:
        return new NotFoundException(message, details, null);
      case 408:
        return new RequestTimeoutException(message, details, null);
      case 409:
        return new ConflictException(message, details, null);
      case 429:
        return "insufficient_quota".equals(code) || "insufficient_quota".equals(details.errorType())
            ? new QuotaExceededException(message, details, null)
            : new RateLimitException(message, details, null);
      default:
        return isContentFilter(code)
            ? new ContentFilterException(message, details, null)
            : new InvalidRequestException(message, details, null);
    }
  }
}
