package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeMediaPortsTest {
  private static final Deadline DEADLINE = Deadline.after(Duration.ofMinutes(1));

  private static EmbeddingRequest embeddings(String... inputs) {
    return EmbeddingRequest.builder().model("text-embedding-3-small").inputs(List.of(inputs)).build();
  }

  @Test
  void createDeclaresAndExposesEmbeddingsAndImages() {
    FakeProvider fake = FakeProvider.create();

    assertThat(fake.capabilities()).contains(Capability.EMBEDDINGS, Capability.IMAGE_GENERATION);
    assertThat(fake.embeddings()).containsSame(fake.embeddingsPort());
    assertThat(fake.images()).containsSame(fake.imagesPort());
  }

  @Test
  void withoutTheCapabilitiesThePortsAreAbsent() {
    FakeProvider fake = FakeProvider.withCapabilities("chat-only", Set.of(Capability.CHAT));

    assertThat(fake.embeddings()).isEmpty();
    assertThat(fake.images()).isEmpty();
  }

  @Test
  void embedsWithTheServersVectorsByDefaultAndRecordsEachBatch() {
    FakeEmbeddingsPort port = FakeProvider.create().embeddingsPort();

    EmbeddingResponse response = port.embed(embeddings("hello", "a longer text"), DEADLINE);

    assertThat(response.embeddings()).extracting(Embedding::index).containsExactly(0, 1);
    assertThat(response.vector(0))
        .isEqualTo(FakeEmbeddingsPort.vector("text-embedding-3-small", "hello", null))
        .hasSize(1536);
    assertThat(response.usage()).isEqualTo(TokenUsage.of(2 + 4, 0));
    assertThat(response.model()).isEqualTo("text-embedding-3-small");
    assertThat(port.lastRequest().inputs()).containsExactly("hello", "a longer text");
    assertThat(port.requests()).hasSize(1);
  }

  @Test
  void honoursDimensions() {
    EmbeddingResponse response =
        FakeEmbeddingsPort.defaultAnswer(
            EmbeddingRequest.builder().model("m").input("x").dimensions(3).build());

    assertThat(response.vector(0)).hasSize(3);
  }

  @Test
  void answersFromTheScriptThenTheFallbackThenTheDefault() {
    FakeEmbeddingsPort port = FakeProvider.create().embeddingsPort();
    EmbeddingResponse scripted =
        new EmbeddingResponse(
            List.of(new Embedding(0, new float[] {1f})), "scripted", TokenUsage.ZERO, "req");
    IllegalStateException failure = new IllegalStateException("boom");
    port.enqueue(scripted).enqueueFailure(failure);

    assertThat(port.embed(embeddings("a"), DEADLINE)).isSameAs(scripted);
    assertThatThrownBy(() -> port.embed(embeddings("a"), DEADLINE)).isSameAs(failure);
    assertThat(port.embed(embeddings("a"), DEADLINE).vector(0)).hasSize(1536);
    port.answerWith(request -> scripted);
    assertThat(port.embed(embeddings("a"), DEADLINE)).isSameAs(scripted);
    assertThat(port.remaining()).isZero();
    assertThat(port.requests()).hasSize(4);
  }

  @Test
  void declaresAConfigurableInputLimit() {
    FakeEmbeddingsPort port = FakeProvider.create().embeddingsPort();

    assertThat(port.maxInputsPerRequest()).isEqualTo(2048);
    assertThat(port.maxInputsPerRequest(3).maxInputsPerRequest()).isEqualTo(3);
    assertThatThrownBy(() -> port.maxInputsPerRequest(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInputsPerRequest must be positive, was 0");
  }

  @Test
  void misuseFailsWithAClearMessage() {
    FakeProvider fake = FakeProvider.create();

    assertThatThrownBy(() -> fake.embeddingsPort().lastRequest())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("FakeEmbeddingsPort has received no request");
    assertThatThrownBy(() -> fake.imagesPort().lastRequest())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("FakeImagesPort has received no request");
    assertThatThrownBy(() -> fake.embeddingsPort().enqueue(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("response");
    assertThatThrownBy(() -> fake.imagesPort().answerWith(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("answer");
  }

  @Test
  void generatesTinyPngsByDefault() {
    FakeImagesPort port = FakeProvider.create().imagesPort();

    ImageResponse gptImage =
        port.generate(
            ImageRequest.builder().model("gpt-image-1").prompt("a cat").n(2).outputFormat("webp")
                .build(),
            DEADLINE);
    ImageResponse dallE3 =
        port.generate(ImageRequest.builder().model("dall-e-3").prompt("a cat").build(), DEADLINE);

    assertThat(gptImage.images()).hasSize(2);
    GeneratedImage first = gptImage.images().get(0);
    assertThat(first.bytes()).hasValueSatisfying(b -> assertThat(b).isEqualTo(FakeImagesPort.png()));
    assertThat(first.mimeType()).isEqualTo("image/webp");
    assertThat(gptImage.usage()).isEqualTo(TokenUsage.of(2, 2112));
    GeneratedImage url = dallE3.images().get(0);
    assertThat(url.url()).hasValueSatisfying(u -> assertThat(u.getScheme()).isEqualTo("data"));
    assertThat(url.revisedPrompt()).hasValue("A detailed rendering of: a cat");
    assertThat(dallE3.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(port.requests()).hasSize(2);
    assertThat(port.lastRequest().model()).isEqualTo("dall-e-3");
  }

  @Test
  void imagesComeFromTheScriptFirst() {
    FakeImagesPort port = FakeProvider.create().imagesPort();
    ImageResponse scripted =
        new ImageResponse(
            List.of(GeneratedImage.ofBytes(new byte[] {1}, "image/png", null)),
            TokenUsage.ZERO,
            null);
    IllegalStateException failure = new IllegalStateException("boom");
    port.enqueue(scripted).enqueueFailure(failure);
    ImageRequest request = ImageRequest.builder().model("dall-e-2").prompt("x").build();

    assertThat(port.generate(request, DEADLINE)).isSameAs(scripted);
    assertThatThrownBy(() -> port.generate(request, DEADLINE)).isSameAs(failure);
    assertThat(port.remaining()).isZero();
  }
}
