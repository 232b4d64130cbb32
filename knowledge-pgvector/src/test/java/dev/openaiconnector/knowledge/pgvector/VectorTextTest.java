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

  @Test
  void readsEachValueInPlaceAsFloatParseFloatWould() {
    Random random = new Random(2);
    for (int i = 0; i < 40_000; i++) {
      float value = switch (i % 4) {
        case 0 -> (float) random.nextGaussian() / 40; // what normalised 1536-dimension vectors hold
        case 1 -> Float.intBitsToFloat(random.nextInt()); // any bits: tiny, huge, subnormal
        case 2 -> (float) random.nextGaussian();
        default -> random.nextInt(2000) / 1000f;
      };
      if (!Float.isFinite(value)) {
        continue;
      }
      for (String text : new String[] {Float.toString(value), String.format("%.9g", value),
          String.format("%.8e", value), String.format("%.12f", value),
          Double.toString(value)}) {
        assertThat(VectorText.parseFloat(text, 0, text.length()))
            .as(text)
            .isEqualTo(Float.parseFloat(text));
      }
    }
  }

  @Test
  void readsTheEdgesOfTheFloatRange() {
    for (String text : new String[] {"0", "-0", "0.0", "1", "-1", "1e-45", "1.4e-45", "7e-46",
        "1.17549435e-38", "1.1754942e-38", "3.4028235e+38", "3.4028236e38", "3.5e38", "1e39",
        "0.000000000000000000000000000001", "123456789012345678901234567890", "16777217",
        "0.1", "0.30000001", "8.589973e9", "1.00000017881393432617187499", "1E+5", "+2.5",
        "2.", ".5", "1e22", "1e-22", "9007199254740993", "999999999999999", "Infinity"}) {
      assertThat(VectorText.parseFloat("[" + text + "]", 1, text.length() + 1))
          .as(text)
          .isEqualTo(Float.parseFloat(text));
    }
  }
}
