package dev.openaiconnector.knowledge.pgvector;

/**
 * pgvector's text form of a vector, {@code [1,-0.5,2e-07]}: written for parameters cast with
 * {@code ?::vector} and read back from {@code embedding::text}, so that no pgvector Java library
 * is needed.
 */
final class VectorText {
  private VectorText() {}

  /**
   * Writes a vector in the text form pgvector reads. {@link Float#toString} gives the digits that
   * read back as the same float, and pgvector's {@code strtof} reads its {@code E} exponents.
   */
  static String format(float[] vector) {
    StringBuilder text = new StringBuilder(vector.length * 12 + 2).append('[');
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      float value = vector[i];
      if (value == (int) value && value != 0) {
        // Whole numbers without ".0": shorter on the wire, the same float.
        text.append((int) value);
      } else {
        text.append(value == 0 ? "0" : Float.toString(value));
      }
    }
    return text.append(']').toString();
  }

  /**
   * Reads pgvector's text form.
   *
   * @param text the text, for example {@code [1,2.5,1e-07]}
   * @param dimensions the number of values expected
   * @return the vector
   * @throws IllegalArgumentException if the text is not a vector of that many values
   */
  static float[] parse(String text, int dimensions) {
    int end = text.length() - 1;
    if (end < 1 || text.charAt(0) != '[' || text.charAt(end) != ']') {
      throw new IllegalArgumentException("not a vector: " + abbreviate(text));
    }
    float[] vector = new float[dimensions];
    int count = 0;
    int start = 1;
    while (start < end) {
      int comma = text.indexOf(',', start);
      int stop = comma < 0 || comma > end ? end : comma;
      if (count == dimensions) {
        throw new IllegalArgumentException(
            "vector has more than " + dimensions + " values: " + abbreviate(text));
      }
      try {
        vector[count++] = Float.parseFloat(text.substring(start, stop));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a vector: " + abbreviate(text), e);
      }
      start = stop + 1;
    }
    if (count != dimensions) {
      throw new IllegalArgumentException(
          "vector has " + count + " values, expected " + dimensions + ": " + abbreviate(text));
    }
    return vector;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
