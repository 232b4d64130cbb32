package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SearchOptionsTest {

  @Test
  void toleranceCoversTheRoundingOfAFloatVectorWithItself() {
    // The float cosine of a vector with itself: what a store computes for an identical vector.
    float[] vector = {0.3f, 0.4f, 0.5f, 0.1f, 0.7f};
    float norm = 0;
    for (float x : vector) {
      norm += x * x;
    }
    float inverse = (float) (1 / Math.sqrt(norm));
    float dot = 0;
    for (float x : vector) {
      dot += (x * inverse) * (x * inverse);
    }

    assertThat(SearchOptions.SIMILARITY_TOLERANCE).isPositive().isLessThanOrEqualTo(1e-5);
    assertThat((double) dot).isGreaterThanOrEqualTo(1.0 - SearchOptions.SIMILARITY_TOLERANCE);
  }

  @Test
  void minSimilarityAcceptsZeroToOne() {
    assertThat(SearchOptions.builder().minSimilarity(1.0).build().minSimilarity()).hasValue(1.0);
    assertThatThrownBy(() -> SearchOptions.builder().minSimilarity(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SearchOptions.builder().minSimilarity(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
