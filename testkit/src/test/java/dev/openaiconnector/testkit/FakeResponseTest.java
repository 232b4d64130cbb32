package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

  @Test
  void streamFaultsReturnCopiesAndLeaveTheOriginalAlone() {
    CountDownLatch release = new CountDownLatch(1);
    FakeResponse original = FakeResponse.eventStream(List.of("a"));

    FakeResponse changed =
        original
            .eventDelay(Duration.ofMillis(3))
            .holdAfter(1, release)
            .stallAfter(2)
            .cutAfter(3)
            .withoutDone();

    assertThat(original.eventDelay()).isZero();
    assertThat(original.holdAfter()).isEqualTo(-1);
    assertThat(original.release()).isNull();
    assertThat(original.stallAfter()).isEqualTo(-1);
    assertThat(original.cutAfter()).isEqualTo(-1);
    assertThat(original.render(ANY, 1)).isEqualTo("data: a\n\ndata: [DONE]\n\n");
    assertThat(changed.eventDelay()).hasMillis(3);
    assertThat(changed.holdAfter()).isEqualTo(1);
    assertThat(changed.release()).isSameAs(release);
    assertThat(changed.stallAfter()).isEqualTo(2);
    assertThat(changed.cutAfter()).isEqualTo(3);
    assertThat(changed.render(ANY, 1)).isEqualTo("data: a\n\n");
    assertThat(changed.header("x", "1").delay(Duration.ofSeconds(1)).cutAfter()).isEqualTo(3);
  }

  @Test
  void cutsARawStreamAfterEachBlankLine() {
    List<byte[]> pieces =
        FakeResponse.splitEvents(
            ": c\r\n\r\ndata: a\ndata: b\n\nevent: x\r\n\ndata: y\n\r\n\n\ndata: rest");

    assertThat(pieces)
        .extracting(piece -> new String(piece, StandardCharsets.UTF_8))
        .containsExactly(
            ": c\r\n\r\n",
            "data: a\ndata: b\n\n",
            "event: x\r\n\n",
            "data: y\n\r\n",
            "\n\n",
            "data: rest");
    assertThat(FakeResponse.splitEvents("")).isEmpty();
  }

  @Test
  void rejectsStreamFaultsOnOtherResponses() {
    FakeResponse json = FakeResponse.json(200, "{}");
    CountDownLatch release = new CountDownLatch(1);

    assertThatThrownBy(() -> json.cutAfter(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cutAfter")
        .hasMessageContaining("event streams only");
    assertThatThrownBy(() -> json.stallAfter(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> json.holdAfter(1, release)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> json.eventDelay(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> json.withoutDone()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> FakeResponse.rawEventStream("data: x\n\n").withoutDone())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rawEventStream");
  }

  @Test
  void rejectsBadStreamValuesWhereTheyAreSet() {
    FakeResponse stream = FakeResponse.eventStream(List.of());

    assertThatThrownBy(() -> stream.cutAfter(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> stream.stallAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stream.holdAfter(-1, new CountDownLatch(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stream.eventDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FakeResponse.streamedChatCompletion("x", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chunkLength");
    assertThatThrownBy(() -> FakeResponse.eventStream(List.of("a", null)))
        .isInstanceOf(NullPointerException.class);
  }
}
