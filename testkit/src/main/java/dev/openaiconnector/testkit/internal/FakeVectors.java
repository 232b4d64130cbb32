package dev.openaiconnector.testkit.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The deterministic embeddings of the fakes: a bag of words hashed into the dimensions (feature
 * hashing), so that texts sharing words are close and texts sharing none are nearly orthogonal,
 * and a test of retrieval gets meaningful nearest neighbours without a script.
 *
 * <p>A text's words are its runs of letters and digits, lower-cased; common English function words
 * ({@link #STOP_WORDS}: "the", "is", "of", ...) are left out unless the text has nothing else.
 * Each word adds {@code +1} or {@code -1} (by a hash of the model and the word) to one dimension
 * (by another hash of both), once per occurrence; the sum is L2-normalised. A text without letters
 * or digits, or whose words cancel out, is hashed whole as one word. So equal texts, and texts
 * differing only in case, punctuation or word order, give equal vectors; the cosine similarity of
 * two texts is about the share of words they have in common; and the model is part of every hash,
 * as the vectors of two real models are not comparable either. A vector with fewer {@code
 * dimensions} hashes the same words into fewer dimensions (not a prefix of the longer one as with
 * {@code text-embedding-3}): texts compare the same way at any length, with more collisions in
 * very few dimensions. Thread-safe (stateless).
 */
public final class FakeVectors {
  /** The words left out of a text that has other words too. */
  public static final Set<String> STOP_WORDS =
      Set.of(
          "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
          "been", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
          "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
          "it", "its", "me", "my", "of", "on", "or", "our", "she", "should", "so", "than", "that",
          "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was",
          "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "would",
          "you", "your");

  private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

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
   * @param model the model id, part of every hash as real models differ
   * @param text the text
   * @param dimensions the number of dimensions, positive
   * @return a new unit vector
   */
  public static float[] vector(String model, String text, int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive, was " + dimensions);
    }
    double[] values = new double[dimensions];
    double norm = hashInto(model, words(text), values);
    if (norm == 0) {
      // No word at all, or words whose signs cancel out: the whole text is the one feature.
      Arrays.fill(values, 0);
      norm = hashInto(model, List.of(text.toLowerCase(Locale.ROOT)), values);
    }
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) (values[i] / norm);
    }
    return vector;
  }

  /**
   * Returns the words a text is hashed by: its lower-cased runs of letters and digits, without
   * {@link #STOP_WORDS} unless the text has only those.
   *
   * @param text the text
   * @return the words, in order, repeated as often as they occur
   */
  public static List<String> words(String text) {
    List<String> all = new ArrayList<>();
    List<String> content = new ArrayList<>();
    for (String word : NOT_A_WORD.split(text.toLowerCase(Locale.ROOT))) {
      if (!word.isEmpty()) {
        all.add(word);
        if (!STOP_WORDS.contains(word)) {
          content.add(word);
        }
      }
    }
    return content.isEmpty() ? all : content;
  }

  /** Adds each word's signed one to its dimension; returns the L2 norm of the result. */
  private static double hashInto(String model, List<String> words, double[] values) {
    for (String word : words) {
      long hash = hash(model, word);
      int index = (int) Long.remainderUnsigned(hash, values.length);
      // The sign comes from bits the index does not use.
      values[index] += mix(hash ^ 0x5DEECE66DL) < 0 ? -1 : 1;
    }
    double sumOfSquares = 0;
    for (double value : values) {
      sumOfSquares += value * value;
    }
    return Math.sqrt(sumOfSquares);
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

  private static long hash(String model, String word) {
    // FNV-1a over the UTF-8 bytes of model, a separator and word: stable across JVMs and runs.
    long hash = 0xcbf29ce484222325L;
    for (byte b : (model + '\u0000' + word).getBytes(StandardCharsets.UTF_8)) {
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
