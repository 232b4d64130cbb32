package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.testing.EmbeddingsProvider;
import dev.openaiconnector.core.testing.RecordingSleeper;
import dev.openaiconnector.core.testing.ScriptedEmbeddingsPort;
import dev.openaiconnector.core.testing.ScriptedImagesPort;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagesTest {
  private static final ImageRequest LIGHTHOUSE =
      ImageRequest.builder().model("gpt-image-1").prompt("A lighthouse at dawn").build();

  private final ScriptedImagesPort port = new ScriptedImagesPort();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final CallListenerTest.Recorder recorder = new CallListenerTest.Recorder();

  @Test
  void generatesImagesCountsTheUsageAndTellsTheListeners() {
    GeneratedImage image = GeneratedImage.ofBytes(ScriptedImagesPort.PNG, "image/png", null);
    port.enqueue(new ImageResponse(List.of(image), TokenUsage.of(50, 4160), "req-img"));

    ImageResponse response;
    UsageSnapshot usage;
    try (Connector connector = connector()) {
      response = connector.generateImages(LIGHTHOUSE);
      usage = connector.usage().snapshot();
    }

    assertThat(response.images()).containsExactly(image);
    assertThat(port.requests()).containsExactly(LIGHTHOUSE);
    assertThat(usage.calls()).isEqualTo(1);
    assertThat(usage.forOperation(Operation.IMAGES)).isEqualTo(TokenUsage.of(50, 4160));
    assertThat(recorder.kinds()).containsExactly("start", "success", "usage");
    CallEvent success = recorder.events.get(1);
    assertThat(success.operation()).isEqualTo(Operation.IMAGES);
    assertThat(success.model()).isEqualTo("gpt-image-1");
    assertThat(success.requestId()).isEqualTo("req-img");
    assertThat(success.usage()).isEqualTo(TokenUsage.of(50, 4160));
    assertThat(recorder.usages)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.operation()).isEqualTo(Operation.IMAGES);
              assertThat(event.requestId()).isEqualTo("req-img");
            });
  }

  @Test
  void aDallECallCountsAsACallWithoutTokens() {
    GeneratedImage image =
        GeneratedImage.ofUrl(URI.create("https://images.example/1.png"), "image/png", "revised");
    port.enqueue(new ImageResponse(List.of(image), TokenUsage.ZERO, null));

    UsageSnapshot usage;
    try (Connector connector = connector()) {
      connector.generateImages(
          ImageRequest.builder().model("dall-e-3").prompt("A lighthouse").build());
      usage = connector.usage().snapshot();
    }

    assertThat(usage.calls()).isEqualTo(1);
    assertThat(usage.forModel("dall-e-3")).isEqualTo(TokenUsage.ZERO);
    assertThat(recorder.usages).extracting(UsageEvent::model).containsExactly("dall-e-3");
  }

  @Test
  void retriesARetriableFailure() {
    port.enqueueFailure(
        new ServerException("bad gateway", ErrorDetails.ofProvider("fake"), null));

    try (Connector connector = connector()) {
      assertThat(connector.generateImages(LIGHTHOUSE).images()).hasSize(1);
    }

    assertThat(port.requests()).hasSize(2);
    assertThat(sleeper.waits()).hasSize(1);
    assertThat(recorder.kinds()).containsExactly("start", "retry", "success", "usage");
  }

  @Test
  void honoursTheRequestsMaxRetries() {
    port.enqueueFailure(
        new ServerException("bad gateway", ErrorDetails.ofProvider("fake"), null));

    try (Connector connector = connector()) {
      ImageRequest once = LIGHTHOUSE.toBuilder().maxRetries(0).build();
      assertThatThrownBy(() -> connector.generateImages(once)).isInstanceOf(ServerException.class);
      assertThat(connector.usage().snapshot().calls()).isZero();
    }

    assertThat(port.requests()).hasSize(1);
    assertThat(recorder.kinds()).containsExactly("start", "failure");
  }

  @Test
  void aNonRetriableFailureIsThrownAtOnce() {
    port.enqueueFailure(
        new AuthenticationException("bad key", ErrorDetails.ofProvider("fake"), null));

    try (Connector connector = connector()) {
      assertThatThrownBy(() -> connector.generateImages(LIGHTHOUSE))
          .isInstanceOf(AuthenticationException.class);
    }

    assertThat(port.requests()).hasSize(1);
  }

  @Test
  void aProviderWithoutImageGenerationIsRefusedWithAHint() {
    Provider provider =
        new EmbeddingsProvider(
            EnumSet.of(Capability.EMBEDDINGS), new ScriptedEmbeddingsPort(), port);

    try (Connector connector = connector(provider)) {
      assertThatThrownBy(() -> connector.generateImages(LIGHTHOUSE))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("IMAGE_GENERATION")
          .hasMessageContaining("Capability.IMAGE_GENERATION")
          .hasMessageContaining("providerId(...)");
    }

    assertThat(port.requests()).isEmpty();
  }

  @Test
  void aProviderThatDeclaresImageGenerationWithoutAPortIsRefusedWithAHint() {
    Provider provider =
        new EmbeddingsProvider(EnumSet.of(Capability.IMAGE_GENERATION), null, null);

    try (Connector connector = connector(provider)) {
      assertThatThrownBy(() -> connector.generateImages(LIGHTHOUSE))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("IMAGE_GENERATION")
          .hasMessageContaining("images() is empty")
          .hasMessageContaining("report it to the provider's author");
    }
  }

  private Connector connector() {
    return connector(EmbeddingsProvider.of(new ScriptedEmbeddingsPort(), port));
  }

  private Connector connector(Provider provider) {
    return Connectors.builder()
        .provider(provider)
        .listener(recorder)
        .waits(sleeper, () -> 0.5)
        .build();
  }
}
