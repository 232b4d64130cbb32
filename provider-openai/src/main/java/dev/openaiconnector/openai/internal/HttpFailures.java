package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.openai.internal.ErrorResponseDto.ErrorDto;
import dev.openaiconnector.spi.HttpErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns an HTTP error response into the api's exception: the OpenAI error body when there is one,
 * a short excerpt of anything else (an HTML page from a proxy), the request id and the server's
 * requested wait. Messages are scrubbed of anything that looks like an API key, because OpenAI
 * quotes a masked fragment of a wrong key back in its 401 message.
 */
public final class HttpFailures {
  private static final int EXCERPT_LENGTH = 200;
  private static final Pattern KEY_LIKE = Pattern.compile("sk-[A-Za-z0-9_*\\-]{4,}");
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private final String providerId;
  private final String providerName;
  private final ObjectReader errorReader;

  /**
   * Creates the mapper.
   *
   * @param providerId the id exceptions carry, for example {@code openai}
   * @param providerName the name messages use, for example {@code OpenAI}
   * @param errorReader a reader for {@link ErrorResponseDto}
   */
  public HttpFailures(String providerId, String providerName, ObjectReader errorReader) {
    this.providerId = providerId;
    this.providerName = providerName;
    this.errorReader = errorReader;
  }

  /**
   * Maps an error response.
   *
   * @param status the HTTP status, 400 or above
   * @param headers the response headers, case-insensitive
   * @param body the whole response body
   * @return the exception to throw
   */
  public ConnectorException toException(
      int status, Map<String, Collection<String>> headers, byte[] body) {
    ErrorDto error = parse(body);
    String message;
    ErrorDetails details;
    if (error != null) {
      message =
          providerName
              + " rejected the request: "
              + redact(error.message() == null ? "(no message)" : error.message());
      details =
          new ErrorDetails(
              providerId,
              status,
              error.type(),
              code(error.code()),
              error.param(),
              requestId(headers),
              retryAfter(headers));
    } else {
      message =
          providerName + " answered HTTP " + status + " with a body that is not an OpenAI error"
              + excerpt(body);
      details =
          new ErrorDetails(
              providerId, status, null, null, null, requestId(headers), retryAfter(headers));
    }
    return HttpErrors.toException(message, details);
  }

  /**
   * Details for a failure after the status was known, for example an unreadable body.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @return the details
   */
  public ErrorDetails details(int status, Map<String, Collection<String>> headers) {
    return new ErrorDetails(providerId, status, null, null, null, requestId(headers), null);
  }

  private @Nullable ErrorDto parse(byte[] body) {
    if (body.length == 0 || body[0] != '{') {
      return null;
    }
    try {
      ErrorResponseDto parsed = errorReader.readValue(body);
      return parsed.error();
    } catch (IOException | RuntimeException notAnOpenAiError) {
      return null;
    }
  }

  private static @Nullable String code(@Nullable JsonNode code) {
    return code == null || code.isNull() ? null : code.asText();
  }

  /**
   * Returns the request id header OpenAI sends ({@code x-request-id}).
   *
   * @param headers the response headers, case-insensitive
   * @return the request id, or null
   */
  public static @Nullable String requestId(Map<String, Collection<String>> headers) {
    return first(headers, "x-request-id");
  }

  /**
   * Returns the server's requested wait: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or
   * {@code Retry-After} in seconds or as an HTTP date.
   *
   * @param headers the response headers, case-insensitive
   * @return the wait, or null when none was given or it cannot be read
   */
  static @Nullable Duration retryAfter(Map<String, Collection<String>> headers) {
    for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
      String millis = first(headers, name);
      if (millis != null) {
        try {
          return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.strip())));
        } catch (NumberFormatException ignored) {
          // fall through to the next form
        }
      }
    }
    String retryAfter = first(headers, "retry-after");
    if (retryAfter == null) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(retryAfter.strip()) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant until =
            ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), until);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }

  private static @Nullable String first(Map<String, Collection<String>> headers, String name) {
    Collection<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.iterator().next();
  }

  private static String excerpt(byte[] body) {
    if (body.length == 0) {
      return " (empty body)";
    }
    String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
    text = SPACES.matcher(TAGS.matcher(text).replaceAll(" ")).replaceAll(" ").strip();
    if (text.length() > EXCERPT_LENGTH) {
      text = text.substring(0, EXCERPT_LENGTH) + "…";
    }
    return ": " + redact(text);
  }

  static String redact(String text) {
    return KEY_LIKE.matcher(text).replaceAll("sk-***");
  }
}
