package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.RateLimits;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitHeadersTest {
  static Stream<Arguments> resets() {
    return Stream.of(
        Arguments.of("1s", Duration.ofSeconds(1)),
        Arguments.of("6m0s", Duration.ofMinutes(6)),
        Arguments.of("20ms", Duration.ofMillis(20)),
        Arguments.of("1h2m3.5s", Duration.ofSeconds(3723, 500_000_000)),
        Arguments.of("0.5s", Duration.ofMillis(500)),
        Arguments.of("8.64s", Duration.ofMillis(8640)),
        Arguments.of("2d", Duration.ofDays(2)),
        Arguments.of("250us", Duration.ofNanos(250_000)),
        Arguments.of("250\u00b5s", Duration.ofNanos(250_000)),
        Arguments.of("7ns", Duration.ofNanos(7)),
        Arguments.of("17", Duration.ofSeconds(17)),
        Arguments.of("0.25", Duration.ofMillis(250)),
        Arguments.of(" 3s ", Duration.ofSeconds(3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resets")
  void readsGoDurationsAndPlainSeconds(String value, Duration expected) {
    assertThat(RateLimitHeaders.duration(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "s", "1x", "-1s", "1s2", "1.2.3s", "abc", "1 s", "99999999999999h"})
  void anUnreadableResetIsNull(String value) {
    assertThat(RateLimitHeaders.duration(value)).isNull();
  }

  @Test
  void anUnreadableOrNegativeCountIsNull() {
    assertThat(RateLimitHeaders.count("10000")).isEqualTo(10_000L);
    assertThat(RateLimitHeaders.count("-1")).isNull();
    assertThat(RateLimitHeaders.count("1.5")).isNull();
    assertThat(RateLimitHeaders.count("lots")).isNull();
    assertThat(RateLimitHeaders.count(null)).isNull();
  }

  @Test
  void readsEveryHeaderCaseInsensitively() {
    Map<String, Collection<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("X-RateLimit-Limit-Requests", List.of("10000"));
    headers.put("x-ratelimit-remaining-requests", List.of("9999"));
    headers.put("x-ratelimit-reset-requests", List.of("6ms"));
    headers.put("x-ratelimit-limit-tokens", List.of("200000"));
    headers.put("x-ratelimit-remaining-tokens", List.of("199950"));
    headers.put("x-ratelimit-reset-tokens", List.of("nonsense"));

    assertThat(RateLimitHeaders.from(headers))
        .isEqualTo(new RateLimits(10_000L, 9_999L, Duration.ofMillis(6), 200_000L, 199_950L, null));
  }

  @Test
  void noHeadersIsNone() {
    assertThat(RateLimitHeaders.from(Map.of())).isSameAs(RateLimits.NONE);
  }

  @Test
  void fastReadingAgreesWithTheExactOneOnRandomValues() {
    // The usual forms skip BigDecimal; every value must still read as the exact reading reads it.
    String[] pieces = {
      "0", "1", "7", "9", "12", "86", "250", "9999", "99999999999", ".", ".5", "0.5", "3.25",
      "8.64", "0.000000001", "0.0000000015", "1.123456789", "ns", "us", "\u00b5s", "\u03bcs",
      "ms", "s", "m", "h", "d", "x", " "
    };
    Random random = new Random(20_241_126L);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder value = new StringBuilder();
      for (int n = 1 + random.nextInt(6); n > 0; n--) {
        value.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = value.toString().strip();
      if (text.isEmpty()) {
        continue;
      }
      assertThat(RateLimitHeaders.duration(text))
          .as("'%s'", text)
          .isEqualTo(RateLimitHeaders.exactDuration(text));
    }
  }
}
