package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HttpFailuresTest {
  private static Map<String, Collection<String>> headers(String... namesAndValues) {
    Map<String, Collection<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
    }
    return headers;
  }

  @Test
  void readsAzuresRetryAfterInMilliseconds() {
    assertThat(HttpFailures.retryAfter(headers("x-ms-retry-after-ms", "1500")))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(HttpFailures.retryAfter(headers("X-Ms-Retry-After-Ms", "250.7")))
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void prefersRetryAfterMsThenAzuresHeaderThenRetryAfter() {
    assertThat(
            HttpFailures.retryAfter(
                headers(
                    "Retry-After", "9", "x-ms-retry-after-ms", "2000", "retry-after-ms", "100")))
        .isEqualTo(Duration.ofMillis(100));
    assertThat(HttpFailures.retryAfter(headers("Retry-After", "9", "x-ms-retry-after-ms", "2000")))
        .isEqualTo(Duration.ofMillis(2000));
    assertThat(HttpFailures.retryAfter(headers("Retry-After", "9")))
        .isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void skipsAMillisecondsHeaderItCannotRead() {
    assertThat(
            HttpFailures.retryAfter(
                headers(
                    "retry-after-ms", "soon", "x-ms-retry-after-ms", "300", "Retry-After", "9")))
        .isEqualTo(Duration.ofMillis(300));
    assertThat(HttpFailures.retryAfter(headers("x-ms-retry-after-ms", "later", "Retry-After", "4")))
        .isEqualTo(Duration.ofSeconds(4));
    assertThat(HttpFailures.retryAfter(headers("x-ms-retry-after-ms", "later"))).isNull();
  }
}
