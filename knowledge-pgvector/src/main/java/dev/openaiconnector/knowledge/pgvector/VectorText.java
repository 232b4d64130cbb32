package dev.openaiconnector.knowledge.pgvector;

/**
 * pgvector's text form of a vector, {@code [1,-0.5,2e-07]}: written for parameters cast with
 * {@code ?::vector} and read back from {@code embedding::text}, so that no pgvector Java library
 * is needed.
 */
final class VectorText {
  /** Significant digits that a long holds below 2^53, exact as a double: 15. */
  private static final int MAX_EXACT_DIGITS = 15;

  /** The exact powers of ten a double holds: 10^0 to 10^22. */
  private static final double[] POWERS_OF_TEN = new double[23];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

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
   * Reads pgvector's text form, each value in place: no substring per value.
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
      int stop = start;
      while (stop < end && text.charAt(stop) != ',') {
        stop++;
      }
      if (count == dimensions) {
        throw new IllegalArgumentException(
            "vector has more than " + dimensions + " values: " + abbreviate(text));
      }
      vector[count++] = parseFloat(text, start, stop);
      start = stop + 1;
    }
    if (count != dimensions) {
      throw new IllegalArgumentException(
          "vector has " + count + " values, expected " + dimensions + ": " + abbreviate(text));
    }
    return vector;
  }

  /**
   * Reads the float in {@code text[start, stop)}, correctly rounded, as {@link Float#parseFloat}
   * would.
   *
   * <p>The fast path takes what pgvector prints (at most nine significant digits, shortest
   * round-trip form): a decimal mantissa {@code m} below 2^53 and an exponent {@code e} with
   * {@code |e| <= 22} are exact doubles, so {@code m * 10^e} or {@code m / 10^-e} is one correctly
   * rounded double operation; rounding that double to float is then the correctly rounded float,
   * because a double has more than twice a float's precision plus two bits (double rounding is
   * innocuous for one operation). Anything else (more digits, a larger exponent, {@code Infinity})
   * goes to {@link Float#parseFloat}.
   */
  static float parseFloat(String text, int start, int stop) {
    int i = start;
    boolean negative = false;
    if (i < stop && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0; // significant digits in the mantissa, leading zeros not counted
    int exponent = 0;
    boolean anyDigit = false;
    boolean fast = true;
    for (; i < stop && isDigit(text.charAt(i)); i++) {
      anyDigit = true;
      fast &= digits < MAX_EXACT_DIGITS;
      if (fast) {
        mantissa = mantissa * 10 + (text.charAt(i) - '0');
        digits += mantissa == 0 ? 0 : 1;
      }
    }
    if (i < stop && text.charAt(i) == '.') {
      for (i++; i < stop && isDigit(text.charAt(i)); i++) {
        anyDigit = true;
        fast &= digits < MAX_EXACT_DIGITS;
        if (fast) {
          mantissa = mantissa * 10 + (text.charAt(i) - '0');
          digits += mantissa == 0 ? 0 : 1;
          exponent--;
        }
      }
    }
    if (anyDigit && i < stop && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = false;
      if (i < stop && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
        negativeExponent = text.charAt(i) == '-';
        i++;
      }
      int written = 0;
      boolean anyExponentDigit = false;
      for (; i < stop && isDigit(text.charAt(i)); i++) {
        anyExponentDigit = true;
        written = Math.min(written * 10 + (text.charAt(i) - '0'), 10_000);
      }
      anyDigit = anyExponentDigit;
      exponent += negativeExponent ? -written : written;
    }
    if (fast && anyDigit && i == stop && Math.abs(exponent) < POWERS_OF_TEN.length) {
      double value =
          exponent >= 0
              ? mantissa * POWERS_OF_TEN[exponent]
              : mantissa / POWERS_OF_TEN[-exponent];
      float rounded = (float) value;
      return negative ? -rounded : rounded;
    }
    try {
      return Float.parseFloat(text.substring(start, stop));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a vector: " + abbreviate(text), e);
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
