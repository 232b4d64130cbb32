package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class GenAiMetricsTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello").build();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void recordsTheDurationAndTokensOfASuccessfulChat() {
    FakeProvider openai = FakeProvider.withCapabilities("openai", EnumSet.of(Capability.CHAT));
    openai
        .chat()
        .enqueue(
            FakeChatPort.textAnswer(HELLO, "Hello").toBuilder()
                .model("gpt-4o-mini-2024-07-18")
                .usage(TokenUsage.of(12, 3))
                .build())
        .enqueueText("Hello again");

    try (Connector connector = connect(openai)) {
      connector.chat(HELLO);
    }

    Tags tags =
        Tags.of(
            "gen_ai.operation.name", "chat",
            "gen_ai.provider.name", "openai",
            "gen_ai.request.model", "gpt-4o-mini",
            "gen_ai.response.model", "gpt-4o-mini-2024-07-18");
    Timer duration = registry.find(GenAiMetrics.OPERATION_DURATION).tags(tags).timer();
    assertThat(duration).isNotNull();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.getId().getTag("error.type")).isNull();
    DistributionSummary input =
        registry.find(GenAiMetrics.TOKEN_USAGE).tags(tags).tag("gen_ai.token.type", "input").summary();
    DistributionSummary output =
        registry
            .find(GenAiMetrics.TOKEN_USAGE)
            .tags(tags)
            .tag("gen_ai.token.type", "output")
            .summary();
    assertThat(input.totalAmount()).isEqualTo(12);
    assertThat(output.totalAmount()).isEqualTo(3);
    assertThat(input.getId().getBaseUnit()).isEqualTo("{token}");
  }

  @Test
  void recordsAFailureByItsTypeAndNoTokens() {
    FakeProvider azure = FakeProvider.withCapabilities("azure", EnumSet.of(Capability.CHAT));
    azure
        .chat()
        .enqueueFailure(
            new AuthenticationException("bad key", ErrorDetails.ofProvider("azure"), null));

    try (Connector connector = connect(azure)) {
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(AuthenticationException.class);
    }

    Timer duration =
        registry
            .find(GenAiMetrics.OPERATION_DURATION)
            .tags(
                "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "azure.ai.openai",
                "gen_ai.request.model", "gpt-4o-mini",
                "error.type", "AuthenticationException")
            .timer();
    assertThat(duration).isNotNull();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.getId().getTag("gen_ai.response.model")).isNull();
    assertThat(registry.find(GenAiMetrics.TOKEN_USAGE).meters()).isEmpty();
  }

  @Test
  void countsAStreamAsAChatUnderItsProvidersOwnName() {
    FakeProvider fake = FakeProvider.create();
    fake.streams().enqueueText("Hello", 4).enqueueText("Hello again", 4);

    try (Connector connector = connect(fake)) {
      for (int i = 0; i < 2; i++) {
        try (ChatStream stream = connector.stream(HELLO)) {
          stream.response();
        }
      }
    }

    Timer duration =
        registry
            .find(GenAiMetrics.OPERATION_DURATION)
            .tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", "fake")
            .timer();
    assertThat(duration.count()).isEqualTo(2);
    assertThat(
            registry
                .find(GenAiMetrics.TOKEN_USAGE)
                .tag("gen_ai.token.type", "output")
                .summary()
                .count())
        .isEqualTo(2);
  }

  private Connector connect(FakeProvider provider) {
    return Connectors.builder().provider(provider).listener(GenAiMetrics.of(registry)).build();
  }
}
