package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code x-ratelimit-*} headers reach plain and streamed answers. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenAiRateLimitsTest {
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final OpenAiProvider provider =
      OpenAiProvider.builder().apiKey("sk-test-limits").baseUrl(server.baseUrl().toString()).build();
  private final ChatRequest hello = ChatRequest.builder().model("gpt-4o-mini").user("Hi").build();

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @Test
  void mapsTheRateLimitsOfAPlainAnswer() {
    RateLimits limits = provider.chat().complete(hello, soon()).rateLimits();

    assertThat(limits)
        .isEqualTo(
            new RateLimits(
                10_000L, 9_999L, Duration.ofMillis(6), 200_000L, 199_950L, Duration.ofMillis(15)));
  }

  @Test
  void mapsTheRateLimitsOfAStream() {
    server.enqueue(
        FakeResponse.streamedChatCompletion("Hi", 2)
            .header("x-ratelimit-limit-requests", "500")
            .header("x-ratelimit-remaining-requests", "499")
            .header("x-ratelimit-reset-requests", "1m30s")
            .header("x-ratelimit-remaining-tokens", "not a number"));

    try (ChatEventSource source = provider.chatStream().orElseThrow().open(hello, soon())) {
      assertThat(source.rateLimits())
          .isEqualTo(new RateLimits(500L, 499L, Duration.ofSeconds(90), null, null, null));
    }
  }

  @Test
  void anAnswerWithoutRateLimitsHasNone() {
    server.enqueue(
        FakeResponse.json(
            200,
            "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\"},"
                + "\"finish_reason\":\"stop\"}]}"));

    assertThat(provider.chat().complete(hello, soon()).rateLimits().isEmpty()).isTrue();
  }
}
