package dev.openaiconnector.openai.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes standard base64 (RFC 4648 alphabet, padded) of little-endian float32 values straight
 * from a span of bytes into a {@code float[]}: 16 characters make 12 bytes make 3 floats, in one
 * loop through a lookup table, with no {@code String} and no intermediate {@code byte[]}. Strict:
 * only the 64 characters, {@code =} only as the one or two last characters, a length that is a
 * multiple of 4 characters and decodes to whole floats; anything else, including whitespace and
 * JSON escapes, is declined, and the caller decides what is wrong. Stateless and thread-safe.
 */
final class Base64Floats {
  /** The value of each base64 character, -1 for every other byte. */
  private static final int[] VALUES = values();

  private Base64Floats() {}

  private static int[] values() {
    int[] values = new int[256];
    java.util.Arrays.fill(values, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      values[alphabet.charAt(i)] = i;
    }
    return values;
  }

  /**
   * Decodes {@code in[from..to)}.
   *
   * @param in the bytes, typically a whole JSON body
   * @param from the first base64 character
   * @param to just after the last base64 character
   * @return the floats (empty for an empty span), or null when the span is not padded base64 of
   *     whole float32 values
   * @throws IndexOutOfBoundsException if the span is not within {@code in}
   */
  static float @Nullable [] decode(byte[] in, int from, int to) {
    Objects.checkFromToIndex(from, to, in.length);
    int chars = to - from;
    if ((chars & 3) != 0) {
      return null;
    }
    if (chars == 0) {
      return new float[0];
    }
    int padding = in[to - 1] != '=' ? 0 : in[to - 2] != '=' ? 1 : 2;
    int bytes = chars / 4 * 3 - padding;
    if ((bytes & 3) != 0) {
      return null;
    }
    float[] out = new float[bytes / 4];
    int blocks = out.length / 3;
    int[] values = VALUES;
    // Invalid characters are -1, which makes their group negative: one sign test at the end.
    int bad = 0;
    int at = from;
    int o = 0;
    for (int b = 0; b < blocks; b++, at += 16, o += 3) {
      int g0 = group(values, in, at);
      int g1 = group(values, in, at + 4);
      int g2 = group(values, in, at + 8);
      int g3 = group(values, in, at + 12);
      bad |= g0 | g1 | g2 | g3;
      out[o] = littleEndian((g0 << 8) | (g1 >>> 16));
      out[o + 1] = littleEndian((g1 << 16) | (g2 >>> 8));
      out[o + 2] = littleEndian((g2 << 24) | g3);
    }
    // What is left is 0 floats, 1 float in "xxxx xx==" or 2 floats in "xxxx xxxx xxx=", as the
    // length check above guarantees.
    int left = out.length - o;
    if (left == 1) {
      int g0 = group(values, in, at);
      int c4 = values[in[at + 4] & 0xFF];
      int c5 = values[in[at + 5] & 0xFF];
      bad |= g0 | c4 | c5;
      out[o] = littleEndian((g0 << 8) | ((c4 << 2) | (c5 >>> 4)));
    } else if (left == 2) {
      int g0 = group(values, in, at);
      int g1 = group(values, in, at + 4);
      int c8 = values[in[at + 8] & 0xFF];
      int c9 = values[in[at + 9] & 0xFF];
      int c10 = values[in[at + 10] & 0xFF];
      bad |= g0 | g1 | c8 | c9 | c10;
      out[o] = littleEndian((g0 << 8) | (g1 >>> 16));
      out[o + 1] = littleEndian((g1 << 16) | (c8 << 10) | (c9 << 4) | (c10 >>> 2));
    }
    return bad < 0 ? null : out;
  }

  /** Four characters as 24 bits, negative if any is not base64. */
  private static int group(int[] values, byte[] in, int at) {
    return (values[in[at] & 0xFF] << 18)
        | (values[in[at + 1] & 0xFF] << 12)
        | (values[in[at + 2] & 0xFF] << 6)
        | values[in[at + 3] & 0xFF];
  }

  /** The float whose little-endian bytes are {@code bigEndian}'s bytes in order. */
  private static float littleEndian(int bigEndian) {
    return Float.intBitsToFloat(Integer.reverseBytes(bigEndian));
  }
}
