package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingValuesTest {
  @Test
  void anEmbeddingSharesItsArray() {
    float[] vector = {1f, 2f, 3f};
    Embedding embedding = new Embedding(4, vector);

    assertThat(embedding.vector()).isSameAs(vector);
    assertThat(embedding.dimensions()).isEqualTo(3);
    assertThat(embedding).isEqualTo(new Embedding(4, new float[] {1f, 2f, 3f}));
    assertThat(embedding).isNotEqualTo(new Embedding(5, vector));
    assertThat(embedding.hashCode()).isEqualTo(new Embedding(4, vector.clone()).hashCode());
    assertThat(embedding).hasToString("Embedding[index=4, dimensions=3]");
  }

  @Test
  void anEmbeddingNeedsAnIndexAndAVector() {
    assertThatThrownBy(() -> new Embedding(-1, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index must not be negative, was -1");
    assertThatThrownBy(() -> new Embedding(0, new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vector must not be empty");
  }

  @Test
  void aResponseGivesTheVectorsWithoutCopyingThem() {
    float[] first = {1f};
    float[] second = {2f};
    EmbeddingResponse response =
        new EmbeddingResponse(
            List.of(new Embedding(0, first), new Embedding(1, second)),
            "text-embedding-3-small",
            TokenUsage.of(7, 0),
            "req-1");

    assertThat(response.vectors()).containsExactly(first, second);
    assertThat(response.vector(1)).isSameAs(second);
    assertThat(response)
        .hasToString(
            "EmbeddingResponse[embeddings=2, model=text-embedding-3-small, usage="
                + TokenUsage.of(7, 0)
                + ", requestId=req-1]");
  }

  @Test
  void aPartialFailureKeepsTheVectorsAndListsTheMissingInputs() {
    ServerException cause = new ServerException("down", ErrorDetails.ofProvider("fake"), null);
    Embedding kept = new Embedding(0, new float[] {1f});

    PartialEmbeddingException partial =
        new PartialEmbeddingException(Arrays.asList(kept, null, null), cause);

    assertThat(partial.partial()).containsExactly(kept, null, null);
    assertThat(partial.missingIndices()).containsExactly(1, 2);
    assertThat(partial.getCause()).isSameAs(cause);
    assertThat(partial).isInstanceOf(NonRetriableException.class);
    assertThat(partial.getMessage())
        .startsWith(
            "2 of 3 inputs have no vector because their batch failed or was not started after"
                + " a failure (ServerException)")
        .contains("partial() keeps the 1 vectors computed");
    assertThatThrownBy(() -> partial.partial().set(1, kept))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aGeneratedImageIsAUrlOrBytes() {
    GeneratedImage atUrl =
        GeneratedImage.ofUrl(URI.create("https://images.example/a.png"), "image/png", "revised");
    byte[] png = {1, 2, 3};
    GeneratedImage inline = GeneratedImage.ofBytes(png, "image/png", null);

    assertThat(atUrl.url()).contains(URI.create("https://images.example/a.png"));
    assertThat(atUrl.bytes()).isEmpty();
    assertThat(atUrl.revisedPrompt()).contains("revised");
    assertThat(atUrl.toString()).doesNotContain("images.example");
    assertThat(inline.bytes()).containsSame(png);
    assertThat(inline.url()).isEmpty();
    assertThat(inline).isEqualTo(GeneratedImage.ofBytes(new byte[] {1, 2, 3}, "image/png", null));
    assertThat(inline).hasToString("GeneratedImage[3 bytes, image/png]");
    assertThatThrownBy(() -> GeneratedImage.ofBytes(new byte[0], "image/png", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anImageResponseCopiesItsImages() {
    GeneratedImage image = GeneratedImage.ofBytes(new byte[] {1}, "image/png", null);
    java.util.ArrayList<GeneratedImage> images = new java.util.ArrayList<>(List.of(image));
    ImageResponse response = new ImageResponse(images, TokenUsage.ZERO, null);

    images.clear();

    assertThat(response.images()).containsExactly(image);
  }
}
