package dev.openaiconnector.testkit.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The deterministic embeddings of the fakes: a vector drawn from a generator seeded by the model
 * and the text, L2-normalised, so equal texts give equal vectors and different texts differ. A
 * shorter vector is a prefix of the longer one renormalised, as with {@code text-embedding-3}'s
 * {@code dimensions}. Thread-safe (stateless).
 */
public final class FakeVectors {
  private FakeVectors() {}

  /**
   * Returns the number of dimensions a model gives without {@code dimensions}.
   *
   * @param model the model id
   * @return 3072 for {@code text-embedding-3-large}, else 1536
   */
  public static int defaultDimensions(String model) {
    return model.toLowerCase(Locale.ROOT).startsWith("text-embedding-3-large") ? 3072 : 1536;
  }

  /**
   * Returns the vector of a text.
   *
   * @param model the model id, part of the seed as real models differ
   * @param text the text
   * @param dimensions the number of dimensions, positive
   * @return a new unit vector
   */
  public static float[] vector(String model, String text, int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive, was " + dimensions);
    }
    long state = seed(model, text);
    double[] values = new double[dimensions];
    double sumOfSquares = 0;
    for (int i = 0; i < dimensions; i++) {
      state += 0x9E3779B97F4A7C15L;
      // Uniform in [-1, 1), from the top 53 bits of a SplitMix64 step.
      double value = (mix(state) >>> 11) * 0x1.0p-52 - 1.0;
      values[i] = value;
      sumOfSquares += value * value;
    }
    double norm = Math.sqrt(sumOfSquares);
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      // A zero draw everywhere is impossible in practice; guard anyway against dividing by zero.
      vector[i] = (float) (norm == 0 ? 1 / Math.sqrt(dimensions) : values[i] / norm);
    }
    return vector;
  }

  /**
   * Encodes a vector as OpenAI does for {@code encoding_format: base64}: little-endian float32.
   *
   * @param vector the vector
   * @return the base64 text
   */
  public static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /**
   * Estimates the tokens of one input the way the fakes count them: about four characters a
   * token, at least one.
   *
   * @param text the input
   * @return the tokens
   */
  public static int tokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }

  private static long seed(String model, String text) {
    // FNV-1a over the UTF-8 bytes of model, a separator and text: stable across JVMs and runs.
    long hash = 0xcbf29ce484222325L;
    for (byte b : (model + '\u0000' + text).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
