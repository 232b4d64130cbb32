package dev.openaiconnector.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FakeVectorsTest {
  @Test
  void equalTextsGiveEqualVectorsAndOthersDiffer() {
    assertThat(FakeVectors.vector("m", "a", 64)).isEqualTo(FakeVectors.vector("m", "a", 64));
    assertThat(FakeVectors.vector("m", "a", 64)).isNotEqualTo(FakeVectors.vector("m", "b", 64));
    assertThat(FakeVectors.vector("m", "a", 64)).isNotEqualTo(FakeVectors.vector("n", "a", 64));
  }

  @Test
  void base64IsLittleEndianFloat32() {
    float[] vector = {1.0f, -2.5f, Float.MIN_VALUE};

    byte[] bytes = Base64.getDecoder().decode(FakeVectors.base64(vector));

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
