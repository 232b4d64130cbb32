package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeImagesPort;
import dev.openaiconnector.testkit.FakeProvider;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
    assertThat(duration.getId().getTag("error.type")).isEqualTo(GenAiMetrics.NO_ERROR);
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
    assertThat(duration.getId().getTag("gen_ai.response.model"))
        .isEqualTo(GenAiMetrics.UNKNOWN_RESPONSE_MODEL);
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

  @Test
  void everyMeterOfOneNameHasTheSameTagKeysWhateverTheOutcome() {
    FakeProvider fake = FakeProvider.create();
    fake.chat()
        .enqueueText("Hello")
        .enqueueFailure(
            new AuthenticationException("bad key", ErrorDetails.ofProvider("fake"), null))
        .answerWith(
            request -> {
              throw new IllegalStateException("a bug in the port");
            });
    // An image's answer names no model.
    fake.imagesPort().answerWith(FakeImagesPort::defaultAnswer);

    try (Connector connector = connect(fake)) {
      connector.chat(HELLO);
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(AuthenticationException.class);
      assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(IllegalStateException.class);
      connector.generateImages(
          ImageRequest.builder().model("gpt-image-1").prompt("A lighthouse").build());
    }

    Map<String, Set<Set<String>>> keysByName = new HashMap<>();
    for (Meter meter : registry.getMeters()) {
      Set<String> keys = new HashSet<>();
      meter.getId().getTags().forEach(tag -> keys.add(tag.getKey()));
      keysByName.computeIfAbsent(meter.getId().getName(), name -> new HashSet<>()).add(keys);
    }
    assertThat(registry.find(GenAiMetrics.OPERATION_DURATION).timers()).hasSize(4);
    assertThat(keysByName.get(GenAiMetrics.OPERATION_DURATION))
        .containsExactly(
            Set.of(
                "gen_ai.operation.name",
                "gen_ai.provider.name",
                "gen_ai.request.model",
                "gen_ai.response.model",
                "error.type"));
    assertThat(keysByName.get(GenAiMetrics.TOKEN_USAGE))
        .containsExactly(
            Set.of(
                "gen_ai.operation.name",
                "gen_ai.provider.name",
                "gen_ai.request.model",
                "gen_ai.response.model",
                "gen_ai.token.type"));
    assertThat(
            registry
                .find(GenAiMetrics.OPERATION_DURATION)
                .tag("gen_ai.operation.name", "generate_content")
                .timer()
                .getId())
        .satisfies(
            id -> {
              assertThat(id.getTag("gen_ai.response.model"))
                  .isEqualTo(GenAiMetrics.UNKNOWN_RESPONSE_MODEL);
              assertThat(id.getTag("error.type")).isEqualTo(GenAiMetrics.NO_ERROR);
            });
    assertThat(registry.find(GenAiMetrics.OPERATION_DURATION).tag("error.type", "_OTHER").timer())
        .isNotNull();
  }

  private Connector connect(FakeProvider provider) {
    return Connectors.builder().provider(provider).listener(GenAiMetrics.of(registry)).build();
  }
}
