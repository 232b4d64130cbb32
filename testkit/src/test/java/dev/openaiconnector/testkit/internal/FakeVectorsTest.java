package dev.openaiconnector.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeVectorsTest {
  private static final String MODEL = "text-embedding-3-small";

  private static double cosine(String a, String b) {
    return cosine(FakeVectors.vector(MODEL, a, 1536), FakeVectors.vector(MODEL, b, 1536));
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot;
  }

  @Test
  void equalTextsGiveEqualVectorsAndOthersDiffer() {
    assertThat(FakeVectors.vector("m", "a", 64)).isEqualTo(FakeVectors.vector("m", "a", 64));
    assertThat(FakeVectors.vector("m", "a", 64)).isNotEqualTo(FakeVectors.vector("m", "b", 64));
    assertThat(FakeVectors.vector("m", "a", 64)).isNotEqualTo(FakeVectors.vector("n", "a", 64));
  }

  @Test
  void isAUnitVectorOfTheAskedLength() {
    for (int dimensions : new int[] {1, 2, 8, 256, 1536, 3072}) {
      float[] vector = FakeVectors.vector(MODEL, "the quick brown fox jumps", dimensions);

      assertThat(vector).hasSize(dimensions);
      assertThat(cosine(vector, vector)).isCloseTo(1.0, offset(1e-6));
    }
  }

  @Test
  void textsSharingWordsAreSimilarAndOthersNearlyOrthogonal() {
    String question = "How do I reset my password?";

    assertThat(cosine(question, "To reset your password, open Settings."))
        .isCloseTo(2 / Math.sqrt(2 * 4), offset(1e-6));
    assertThat(cosine(question, "Our office opens at nine.")).isCloseTo(0, offset(1e-6));
    assertThat(cosine("cats and dogs", "cats")).isGreaterThan(cosine("cats and dogs", "birds"));
  }

  @Test
  void ignoresCasePunctuationAndWordOrder() {
    assertThat(FakeVectors.vector(MODEL, "Paris, France!", 64))
        .isEqualTo(FakeVectors.vector(MODEL, "france paris", 64));
  }

  @Test
  void countsEveryOccurrenceOfAWord() {
    assertThat(cosine("cat cat dog", "cat")).isGreaterThan(cosine("cat dog", "cat"));
  }

  @Test
  void leavesOutStopWordsUnlessTheTextHasNothingElse() {
    assertThat(FakeVectors.words("What is the capital of France?"))
        .containsExactly("capital", "france");
    assertThat(FakeVectors.words("It is what it is"))
        .containsExactly("it", "is", "what", "it", "is");
    assertThat(FakeVectors.words("Où est la gare? 42"))
        .containsExactly("où", "est", "la", "gare", "42");
    assertThat(cosine("the cat", "the dog")).isCloseTo(0, offset(1e-6));
  }

  @Test
  void hashesATextWithoutWordsWhole() {
    float[] dots = FakeVectors.vector(MODEL, "...", 16);

    assertThat(FakeVectors.words("...")).isEqualTo(List.of());
    assertThat(cosine(dots, dots)).isCloseTo(1.0, offset(1e-6));
    assertThat(dots).isNotEqualTo(FakeVectors.vector(MODEL, "!!!", 16));
  }

  @Test
  void neverGivesAZeroVectorEvenWhenWordsCancelOut() {
    // In one dimension every word lands on the same value; some pairs cancel.
    for (String text : List.of("alpha beta", "gamma delta", "red green", "one two", "sun moon")) {
      float[] vector = FakeVectors.vector(MODEL, text, 1);

      assertThat(Math.abs(vector[0])).as(text).isEqualTo(1.0f);
    }
  }

  @Test
  void differentModelsHashDifferently() {
    float[] first = FakeVectors.vector("m1", "apples", 1536);
    float[] second = FakeVectors.vector("m2", "apples", 1536);

    assertThat(cosine(first, second)).isLessThan(0.5);
  }

  @Test
  void base64IsLittleEndianFloat32() {
    float[] vector = {1.0f, -2.5f, Float.MIN_VALUE};

    byte[] bytes = java.util.Base64.getDecoder().decode(FakeVectors.base64(vector));

    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes).hasSize(12);
    assertThat(buffer.getFloat(0)).isEqualTo(1.0f);
    assertThat(buffer.getFloat(4)).isEqualTo(-2.5f);
    assertThat(buffer.getFloat(8)).isEqualTo(Float.MIN_VALUE);
  }

  @Test
  void rejectsNonPositiveDimensions() {
    assertThatThrownBy(() -> FakeVectors.vector("m", "a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimensions must be positive");
  }
}
