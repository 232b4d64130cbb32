package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.core.testing.EmbeddingsProvider;
import dev.openaiconnector.core.testing.ScriptedEmbeddingsPort;
import dev.openaiconnector.core.testing.ScriptedImagesPort;
import dev.openaiconnector.spi.Capability;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class EmbeddingsAndImagesCheckTest {
  private final ScriptedEmbeddingsPort embeddings = new ScriptedEmbeddingsPort();
  private final ScriptedImagesPort images = new ScriptedImagesPort();

  @Test
  void checksEmbeddingsWithOnePingAndLeavesImagesAloneUnlessAsked() {
    ConnectionCheck check;
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(embeddings, images))
            .checkTimeout(Duration.ofSeconds(5))
            .build()) {
      check = connector.checkConnection();
    }

    assertThat(check.ok()).isTrue();
    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.EMBEDDINGS);
    OperationCheck embedding = check.of(Operation.EMBEDDINGS).orElseThrow();
    assertThat(embedding.model()).isEqualTo("text-embedding-3-small");
    assertThat(embedding.requestId()).isEqualTo("req-ping");
    EmbeddingRequest sent = embeddings.calls().get(0).request();
    assertThat(sent.inputs()).containsExactly("ping");
    assertThat(sent.model()).isEqualTo("text-embedding-3-small");
    assertThat(sent.maxRetries()).isZero();
    assertThat(sent.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(images.requests()).isEmpty();
  }

  @Test
  void checksEmbeddingsWithTheModelSetForThem() {
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(embeddings, images))
            .checkModel(Operation.EMBEDDINGS, "my-embeddings-deployment")
            .build()) {
      assertThat(connector.checkConnection().of(Operation.EMBEDDINGS).orElseThrow().model())
          .isEqualTo("my-embeddings-deployment");
    }

    assertThat(embeddings.calls().get(0).request().model()).isEqualTo("my-embeddings-deployment");
  }

  @Test
  void reportsAFailedEmbeddingsCheckInsteadOfThrowing() {
    embeddings.failBatchWith(
        "ping",
        Integer.MAX_VALUE,
        () -> new AuthenticationException("bad key", ErrorDetails.ofProvider("fake"), null));

    ConnectionCheck check;
    try (Connector connector =
        Connectors.builder().provider(EmbeddingsProvider.of(embeddings, images)).build()) {
      check = connector.checkConnection();
    }

    assertThat(check.ok()).isFalse();
    assertThat(check.of(Operation.EMBEDDINGS).orElseThrow().outcome())
        .isEqualTo(OperationCheck.Outcome.AUTHENTICATION);
    assertThat(embeddings.calls()).hasSize(1);
  }

  @Test
  void checksImagesOnceAModelIsSetWithOneSmallDallE2Image() {
    ConnectionCheck check;
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(embeddings, images))
            .checkModel(Operation.IMAGES, "dall-e-2")
            .checkTimeout(Duration.ofSeconds(5))
            .build()) {
      check = connector.checkConnection();
    }

    assertThat(check.ok()).isTrue();
    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.EMBEDDINGS, Operation.IMAGES);
    assertThat(check.of(Operation.IMAGES).orElseThrow().requestId()).isEqualTo("req-image-1");
    ImageRequest sent = images.requests().get(0);
    assertThat(sent.model()).isEqualTo("dall-e-2");
    assertThat(sent.n()).isEqualTo(1);
    assertThat(sent.size()).isEqualTo("256x256");
    assertThat(sent.maxRetries()).isZero();
    assertThat(sent.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void checksGptImageAtLowQualityAndDallE3AtItsDefaults() {
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(embeddings, images))
            .checkModel(Operation.IMAGES, "gpt-image-1")
            .build()) {
      connector.checkConnection();
    }
    try (Connector connector =
        Connectors.builder()
            .provider(EmbeddingsProvider.of(embeddings, images))
            .checkModel(Operation.IMAGES, "dall-e-3")
            .build()) {
      connector.checkConnection();
    }

    ImageRequest gptImage = images.requests().get(0);
    assertThat(gptImage.n()).isEqualTo(1);
    assertThat(gptImage.quality()).isEqualTo("low");
    ImageRequest dallE3 = images.requests().get(1);
    assertThat(dallE3.n()).isEqualTo(1);
    assertThat(dallE3.size()).isNull();
    assertThat(dallE3.quality()).isNull();
  }

  @Test
  void anImagesCheckModelIsIgnoredWhenTheProviderCannotGenerateImages() {
    ConnectionCheck check;
    try (Connector connector =
        Connectors.builder()
            .provider(
                new EmbeddingsProvider(EnumSet.of(Capability.EMBEDDINGS), embeddings, images))
            .checkModel(Operation.IMAGES, "dall-e-2")
            .build()) {
      check = connector.checkConnection();
    }

    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.EMBEDDINGS);
    assertThat(images.requests()).isEmpty();
  }
}
