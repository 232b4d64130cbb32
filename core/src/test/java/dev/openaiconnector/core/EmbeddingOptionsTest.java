package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbeddingOptionsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    EmbeddingOptions options = EmbeddingOptions.defaults();

    assertThat(options.maxInputsPerRequest()).isEqualTo(2048);
    assertThat(options.maxTokensPerRequest()).isEqualTo(250_000);
    assertThat(options.maxParallelRequests()).isEqualTo(4);
  }

  @Test
  void toBuilderKeepsEveryValue() {
    EmbeddingOptions options =
        EmbeddingOptions.builder()
            .maxInputsPerRequest(100)
            .maxTokensPerRequest(5_000)
            .maxParallelRequests(8)
            .build();

    assertThat(options.toBuilder().build()).hasToString(options.toString());
    assertThat(options.toBuilder().maxParallelRequests(2).build().maxInputsPerRequest())
        .isEqualTo(100);
    assertThat(options)
        .hasToString(
            "EmbeddingOptions[maxInputsPerRequest=100, maxTokensPerRequest=5000,"
                + " maxParallelRequests=8]");
  }

  @Test
  void rejectsBadValuesWhereTheyAreSetNamingTheOption() {
    EmbeddingOptions.Builder builder = EmbeddingOptions.builder();

    assertThatThrownBy(() -> builder.maxInputsPerRequest(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInputsPerRequest must be at least 1, was 0");
    assertThatThrownBy(() -> builder.maxTokensPerRequest(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokensPerRequest must be at least 1, was -5");
    assertThatThrownBy(() -> builder.maxParallelRequests(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxParallelRequests must be at least 1, was 0");
  }

  @Test
  void theConnectorBuilderRefusesNoOptions() {
    assertThatThrownBy(() -> Connectors.builder().embeddings(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("embeddings");
  }
}
