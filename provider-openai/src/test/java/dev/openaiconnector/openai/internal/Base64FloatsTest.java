package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64FloatsTest {
  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static float[] decode(String base64) {
    byte[] in = ascii(base64);
    return Base64Floats.decode(in, 0, in.length);
  }

  private static String encode(int... bits) {
    ByteBuffer buffer = ByteBuffer.allocate(bits.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int b : bits) {
      buffer.putInt(b);
    }
    return Base64.getEncoder().encodeToString(buffer.array());
  }

  private static int[] rawBits(float[] floats) {
    int[] bits = new int[floats.length];
    for (int i = 0; i < floats.length; i++) {
      bits[i] = Float.floatToRawIntBits(floats[i]);
    }
    return bits;
  }

  @Test
  void decodesRandomVectorsBitForBitAsJdkBase64AndLittleEndianBuffer() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(80) * Float.BYTES];
      random.nextBytes(bytes);
      String base64 = Base64.getEncoder().encodeToString(bytes);
      // Inside a larger array, as in a JSON body, with base64 characters around the span.
      byte[] body = ascii("AAAA\"" + base64 + "\"AAAA");

      float[] decoded = Base64Floats.decode(body, 5, 5 + base64.length());

      int[] expected = new int[bytes.length / Float.BYTES];
      ByteBuffer.wrap(Base64.getDecoder().decode(base64))
          .order(ByteOrder.LITTLE_ENDIAN)
          .asIntBuffer()
          .get(expected);
      assertThat(decoded).isNotNull();
      assertThat(rawBits(decoded)).as("%s", base64).containsExactly(expected);
    }
  }

  @Test
  void keepsNanPayloadsNegativeZeroAndInfinities() {
    int[] bits = {0x7fc00001, 0xff800001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001};

    assertThat(rawBits(decode(encode(bits)))).containsExactly(bits);
  }

  @Test
  void decodesEveryPaddingOfWholeFloats() {
    // 1 float: "==", 2 floats: "=", 3 floats: none; then the same after whole 16-character blocks.
    for (int floats = 1; floats <= 8; floats++) {
      int[] bits = new int[floats];
      for (int i = 0; i < floats; i++) {
        bits[i] = Float.floatToRawIntBits(i - 1.5f);
      }
      String base64 = encode(bits);
      assertThat(base64).endsWith(floats % 3 == 1 ? "==" : floats % 3 == 2 ? "=" : "");

      assertThat(rawBits(decode(base64))).containsExactly(bits);
    }
    assertThat(decode("AACAPw==")).containsExactly(1.0f);
  }

  @Test
  void readsAnEmptySpanAsNoFloats() {
    assertThat(decode("")).isEmpty();
  }

  @Test
  void declinesEveryCharacterOutsideTheAlphabetAtEveryPosition() {
    String valid = encode(1, 2, 3, 4, 5);
    byte[] bad = ascii(" \t\n\r\\\"-_.,:=!~\0");
    for (int at = 0; at < valid.length() - 1; at++) {
      for (byte b : bad) {
        byte[] in = ascii(valid);
        in[at] = b;
        assertThat(Base64Floats.decode(in, 0, in.length)).as("%d at %d", b, at).isNull();
      }
      byte[] in = ascii(valid);
      in[at] = (byte) 0xC3;
      assertThat(Base64Floats.decode(in, 0, in.length)).isNull();
    }
  }

  @Test
  void declinesMissingMisplacedOrExtraPadding() {
    assertThat(decode("AACAPw")).isNull();
    assertThat(decode("AACAPw=")).isNull();
    assertThat(decode("AACAP===")).isNull();
    assertThat(decode("AA==AACAPw==")).isNull();
    assertThat(decode("AACAPw==AAAA")).isNull();
    assertThat(decode("AACA=w==")).isNull();
    assertThat(decode("====")).isNull();
    assertThat(decode("AACAPwAAgD8AAIA")).isNull();
  }

  @Test
  void declinesBytesThatAreNotWholeFloats() {
    for (int length = 1; length < 16; length++) {
      if (length % Float.BYTES != 0) {
        String base64 = Base64.getEncoder().encodeToString(new byte[length]);
        assertThat(decode(base64)).as("%d bytes", length).isNull();
      }
    }
  }

  @Test
  void rejectsASpanOutsideTheArray() {
    byte[] in = ascii("AACAPw==");

    assertThatThrownBy(() -> Base64Floats.decode(in, 4, 12))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
