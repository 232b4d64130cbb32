package dev.openaiconnector.openai.internal;

import dev.openaiconnector.api.RateLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI's {@code x-ratelimit-*} response headers. The resets come in Go's duration format
 * ({@code 1s}, {@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}); plain seconds ({@code 0.5}) and a
 * {@code d} unit are accepted too. A value that cannot be read becomes null: rate-limit headers
 * are advice, never a reason to fail a call that succeeded.
 */
public final class RateLimitHeaders {
  private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?|\\.\\d+");
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)");

  private RateLimitHeaders() {}

  /**
   * Reads the rate limits of a response.
   *
   * @param headers the response headers, case-insensitive
   * @return the rate limits, {@link RateLimits#NONE} when none were sent
   */
  public static RateLimits from(Map<String, Collection<String>> headers) {
    RateLimits limits =
        new RateLimits(
            count(HttpFailures.first(headers, "x-ratelimit-limit-requests")),
            count(HttpFailures.first(headers, "x-ratelimit-remaining-requests")),
            duration(HttpFailures.first(headers, "x-ratelimit-reset-requests")),
            count(HttpFailures.first(headers, "x-ratelimit-limit-tokens")),
            count(HttpFailures.first(headers, "x-ratelimit-remaining-tokens")),
            duration(HttpFailures.first(headers, "x-ratelimit-reset-tokens")));
    return limits.isEmpty() ? RateLimits.NONE : limits;
  }

  /**
   * Reads a count such as {@code 10000}.
   *
   * @param value the header value, or null
   * @return the count, or null when absent, negative or not a whole number
   */
  static @Nullable Long count(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      long count = Long.parseLong(value.strip());
      return count < 0 ? null : count;
    } catch (NumberFormatException unreadable) {
      return null;
    }
  }

  /**
   * Reads a reset time: a Go duration such as {@code 6m0s}, or plain seconds such as {@code 0.5}.
   *
   * @param value the header value, or null
   * @return the duration, or null when absent or unreadable
   */
  static @Nullable Duration duration(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String text = value.strip();
    if (text.isEmpty()) {
      return null;
    }
    try {
      if (SECONDS.matcher(text).matches()) {
        return nanos(new BigDecimal(text).movePointRight(9));
      }
      BigDecimal nanos = BigDecimal.ZERO;
      Matcher part = PART.matcher(text);
      for (int at = 0; at < text.length(); at = part.end()) {
        part.region(at, text.length());
        if (!part.lookingAt()) {
          return null;
        }
        nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unitNanos(part.group(2))));
      }
      return nanos(nanos);
    } catch (NumberFormatException | ArithmeticException unreadable) {
      return null;
    }
  }

  private static Duration nanos(BigDecimal nanos) {
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }

  private static BigDecimal unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return BigDecimal.ONE;
      case "ms":
        return BigDecimal.valueOf(1_000_000L);
      case "s":
        return BigDecimal.valueOf(1_000_000_000L);
      case "m":
        return BigDecimal.valueOf(60_000_000_000L);
      case "h":
        return BigDecimal.valueOf(3_600_000_000_000L);
      case "d":
        return BigDecimal.valueOf(86_400_000_000_000L);
      default: // us, µs, μs
        return BigDecimal.valueOf(1_000L);
    }
  }
}
