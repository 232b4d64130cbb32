package dev.openaiconnector.knowledge.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorTextTest {
  @Test
  void writesWholeNumbersShortAndOthersAsJavaFloats() {
    assertThat(VectorText.format(new float[] {1, -2, 0, 0.5f, 1e-7f, -3.4028235e38f}))
        .isEqualTo("[1,-2,0,0.5,1.0E-7,-3.4028235E38]");
  }

  @Test
  void readsWhatPgvectorPrints() {
    assertThat(VectorText.parse("[1,2.5,1e-07,-3.4028235e+38]", 4))
        .containsExactly(1f, 2.5f, 1e-7f, -3.4028235e38f);
  }

  @Test
  void readsBackEveryFloatItWrote() {
    Random random = new Random(1);
    float[] vector = new float[1536];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = i % 7 == 0 ? Float.intBitsToFloat(random.nextInt() & 0x7f7fffff)
          : (float) random.nextGaussian();
    }

    assertThat(VectorText.parse(VectorText.format(vector), 1536)).containsExactly(vector);
  }

  @Test
  void rejectsTextOfAnotherLengthOrShape() {
    assertThatThrownBy(() -> VectorText.parse("[1,2]", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 values, expected 3");
    assertThatThrownBy(() -> VectorText.parse("[1,2,3,4]", 3))
        .hasMessageContaining("more than 3");
    assertThatThrownBy(() -> VectorText.parse("1,2", 2)).hasMessageContaining("not a vector");
    assertThatThrownBy(() -> VectorText.parse("[1,x]", 2)).hasMessageContaining("not a vector");
    assertThatThrownBy(() -> VectorText.parse("[]", 1)).hasMessageContaining("0 values");
    assertThatThrownBy(() -> VectorText.parse("[1,,2]", 3)).hasMessageContaining("not a vector");
  }
}
