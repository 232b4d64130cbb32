package dev.openaiconnector.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The texts, the embeddings bodies and the checks of {@link EmbeddingsBenchmark}. Every vector is
 * derived from the number of its input in the corpus, so a check can recompute any value: element
 * 0 is that number itself (a vector in the wrong place shows at once), the others small values in
 * [-0.1, 0.1], like a real embedding's.
 */
final class EmbeddingBodies {
  /** The dimensions of {@code text-embedding-3-small}, and of every vector here. */
  static final int DIMENSIONS = 1536;

  /** The model named in requests and bodies. */
  static final String MODEL = "text-embedding-3-small";

  /** The prompt tokens a body reports per input; the sum is checked. */
  static final int TOKENS_PER_INPUT = 9;

  private static final String TEXT_PREFIX = "doc ";

  private static final String[] PHRASES = {
    "refund policy for damaged parcels",
    "how to reset a forgotten password",
    "quarterly revenue grew in Europe",
    "the cat sat on the warm windowsill",
    "kubernetes pod stuck in pending",
    "best hiking trails near the lake",
    "invoice 2291 is overdue by ten days",
    "symptoms of a mild seasonal flu",
  };

  private EmbeddingBodies() {}

  /**
   * Short texts as a search index would embed them, each starting {@code "doc <number>: "}.
   *
   * @param count how many
   * @return the texts, numbered from 0
   */
  static List<String> texts(int count) {
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      texts.add(TEXT_PREFIX + i + ": " + PHRASES[i % PHRASES.length]);
    }
    return texts;
  }

  /**
   * Reads the number back from a text of {@link #texts(int)}.
   *
   * @param text the text
   * @return its number in the corpus
   * @throws IllegalArgumentException if the text is not one of ours
   */
  static int number(String text) {
    int colon = text.indexOf(':');
    if (!text.startsWith(TEXT_PREFIX) || colon < 0) {
      throw new IllegalArgumentException("not a benchmark text: " + text);
    }
    return Integer.parseInt(text.substring(TEXT_PREFIX.length(), colon));
  }

  /**
   * Element {@code j} of the vector of input {@code input}.
   *
   * @param input the input's number in the corpus
   * @param j the element
   * @return the value
   */
  static float value(int input, int j) {
    if (j == 0) {
      return input;
    }
    // SplitMix64's finalizer: every bit of the float's mantissa used, so float JSON carries as
    // many digits (8 or 9) as a real embedding's.
    long z = input * 0x9E3779B97F4A7C15L + j;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (float) ((z >> 11) * 0x1.0p-53 * 0.2);
  }

  /**
   * An OpenAI embeddings body with {@code encoding_format: base64}: each vector little-endian
   * float32, base64 encoded.
   *
   * @param first the corpus number of the body's first input
   * @param count the number of inputs, indexed 0..count-1 in the body
   * @return the body as UTF-8
   */
  static byte[] base64Body(int first, int count) {
    ByteBuffer floats = ByteBuffer.allocate(DIMENSIONS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    Base64.Encoder encoder = Base64.getEncoder();
    ByteArrayOutputStream body = new ByteArrayOutputStream(count * (DIMENSIONS * 4 / 3 + 64));
    write(body, "{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < count; i++) {
      floats.clear();
      for (int j = 0; j < DIMENSIONS; j++) {
        floats.putFloat(value(first + i, j));
      }
      write(body, (i == 0 ? "" : ",") + "{\"object\":\"embedding\",\"index\":" + i + ",\"embedding\":\"");
      body.writeBytes(encoder.encode(floats.array()));
      write(body, "\"}");
    }
    write(body, tail(count));
    return body.toByteArray();
  }

  /**
   * The same body as {@link #base64Body} with the vectors as JSON numbers, as a server sends it
   * for {@code encoding_format: float}; {@link Float#toString} keeps every value exact.
   *
   * @param first the corpus number of the body's first input
   * @param count the number of inputs
   * @return the body as UTF-8
   */
  static byte[] floatJsonBody(int first, int count) {
    StringBuilder body = new StringBuilder(count * DIMENSIONS * 12);
    body.append("{\"object\":\"list\",\"data\":[");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i);
      body.append(",\"embedding\":[");
      for (int j = 0; j < DIMENSIONS; j++) {
        body.append(j == 0 ? "" : ",").append(value(first + i, j));
      }
      body.append("]}");
    }
    body.append(tail(count));
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String tail(int count) {
    long tokens = (long) count * TOKENS_PER_INPUT;
    return "],\"model\":\""
        + MODEL
        + "\",\"usage\":{\"prompt_tokens\":"
        + tokens
        + ",\"total_tokens\":"
        + tokens
        + "}}";
  }

  private static void write(ByteArrayOutputStream body, String ascii) {
    body.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Checks decoded vectors against the values they were built from: the count, every vector's
   * length, and four elements of every vector (its number, the first, middle and last of the
   * others), compared bit for bit.
   *
   * @param count the number of vectors there must be
   * @param actualCount the number there are
   * @param vector the vector at a position, 0..count-1
   * @param first the corpus number of position 0
   * @return {@code count}, once checked
   * @throws IllegalStateException if anything differs
   */
  static int check(int count, int actualCount, IntFunction<float[]> vector, int first) {
    if (actualCount != count) {
      throw new IllegalStateException("expected " + count + " vectors but got " + actualCount);
    }
    int[] sampled = {0, 1, DIMENSIONS / 2, DIMENSIONS - 1};
    for (int i = 0; i < count; i++) {
      float[] v = vector.apply(i);
      if (v == null || v.length != DIMENSIONS) {
        throw new IllegalStateException(
            "vector " + i + " has " + (v == null ? "no" : v.length) + " dimensions, not " + DIMENSIONS);
      }
      for (int j : sampled) {
        float expected = value(first + i, j);
        if (Float.floatToRawIntBits(v[j]) != Float.floatToRawIntBits(expected)) {
          throw new IllegalStateException(
              "vector " + i + " element " + j + " is " + v[j] + ", not " + expected);
        }
      }
    }
    return count;
  }
}
