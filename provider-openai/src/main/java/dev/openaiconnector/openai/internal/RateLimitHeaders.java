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

  // 10^n for the digits of a fraction.
  private static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
    1_000_000_000L
  };

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
    long fast = fastNanos(text);
    return fast >= 0 ? Duration.ofNanos(fast) : exactDuration(text);
  }

  /**
   * Reads a reset time with {@code BigDecimal} arithmetic, rounding once at the end: the reading
   * that decides every form the fast one leaves alone.
   *
   * @param text the stripped value, not empty
   * @return the duration, or null when unreadable
   */
  static @Nullable Duration exactDuration(String text) {
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

  /**
   * Reads the usual forms ({@code 8.64s}, {@code 6ms}, {@code 1m30.5s}, {@code 17}) without a
   * regular expression or {@code BigDecimal}, as every answer carries two of them: whole
   * nanoseconds in a {@code long}. Anything else (a fraction finer than a nanosecond, an
   * overflow, a form it does not know, a malformed value) is left to the exact reading.
   *
   * @param text the stripped value, not empty
   * @return the nanoseconds, or -1 when the exact reading must decide
   */
  private static long fastNanos(String text) {
    int length = text.length();
    long total = 0;
    int at = 0;
    try {
      while (at < length) {
        int start = at;
        long whole = 0;
        while (at < length && isDigit(text.charAt(at))) {
          whole = Math.addExact(Math.multiplyExact(whole, 10), text.charAt(at) - '0');
          at++;
        }
        if (at == start) {
          return -1;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (at < length && text.charAt(at) == '.') {
          at++;
          while (at < length && isDigit(text.charAt(at))) {
            if (++fractionDigits > 9) {
              return -1;
            }
            fraction = fraction * 10 + (text.charAt(at) - '0');
            at++;
          }
          if (fractionDigits == 0) {
            return -1;
          }
        }
        long unit;
        if (at == length) {
          // A bare number is seconds, but only as the whole value.
          if (start != 0) {
            return -1;
          }
          unit = 1_000_000_000L;
        } else {
          char c = text.charAt(at++);
          char next = at < length ? text.charAt(at) : 0;
          if (c == 'm' && next == 's') {
            unit = 1_000_000L;
            at++;
          } else if ((c == 'u' || c == '\u00b5' || c == '\u03bc') && next == 's') {
            unit = 1_000L;
            at++;
          } else if (c == 'n' && next == 's') {
            unit = 1L;
            at++;
          } else if (c == 's') {
            unit = 1_000_000_000L;
          } else if (c == 'm') {
            unit = 60_000_000_000L;
          } else if (c == 'h') {
            unit = 3_600_000_000_000L;
          } else if (c == 'd') {
            unit = 86_400_000_000_000L;
          } else {
            return -1;
          }
        }
        long part = Math.multiplyExact(whole, unit);
        if (fractionDigits > 0) {
          long scale = POWERS_OF_TEN[fractionDigits];
          // Whole nanoseconds only; a finer fraction is rounded by the exact reading.
          if (unit % scale != 0) {
            return -1;
          }
          part = Math.addExact(part, Math.multiplyExact(fraction, unit / scale));
        }
        total = Math.addExact(total, part);
      }
      return total;
    } catch (ArithmeticException overflow) {
      return -1;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
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
