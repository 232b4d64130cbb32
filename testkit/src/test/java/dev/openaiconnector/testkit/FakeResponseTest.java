package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeResponseTest {
  private static final RecordedRequest ANY = new RecordedRequest("GET", "/", Map.of(), "");

  @Test
  void withersReturnCopiesAndLeaveTheOriginalAlone() {
    FakeResponse original = FakeResponse.json(200, "{}");

    FakeResponse changed = original.header("a", "1").delay(Duration.ofSeconds(1));

    assertThat(original.headers()).isEmpty();
    assertThat(original.delayBeforeHeaders()).isZero();
    assertThat(changed.headers()).containsExactly(Map.entry("a", "1"));
    assertThat(changed.delayBeforeHeaders()).hasSeconds(1);
  }

  @Test
  void keepsRepeatedHeadersInOrder() {
    FakeResponse response = FakeResponse.json(200, "{}").header("x", "1").header("x", "2");

    assertThat(response.headers()).extracting(Map.Entry::getValue).containsExactly("1", "2");
  }

  @Test
  void writesOpenAiErrorBodies() {
    assertThat(FakeResponse.error(400, "invalid_request_error", null, "Bad \"x\"").render(ANY, 1))
        .isEqualTo(
            "{\"error\":{\"message\":\"Bad \\\"x\\\"\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":null}}");
  }

  @Test
  void announcesRateLimitsInWholeSeconds() {
    FakeResponse response = FakeResponse.rateLimited(Duration.ofMillis(10));

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.headers()).containsExactly(Map.entry("retry-after", "1"));
  }

  @Test
  void rejectsBadValuesWhereTheyAreSet() {
    assertThatThrownBy(() -> FakeResponse.json(99, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99");
    assertThatThrownBy(() -> FakeResponse.json(600, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.json(200, "{}").header("bad name", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.json(200, "{}").header("x", "a\r\nInjected: yes"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.json(200, "{}").delay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
