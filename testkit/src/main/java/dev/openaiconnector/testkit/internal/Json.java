package dev.openaiconnector.testkit.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 JSON reader and a writer, so that the testkit needs no JSON library.
 *
 * <p>Values are {@code Map<String, Object>} (insertion-ordered), {@code List<Object>}, {@code
 * String}, {@code BigDecimal}, {@code Boolean} and {@code null}; parsed maps and lists are
 * unmodifiable. The reader rejects what a lenient parser would let a buggy client get away with:
 * trailing content, duplicate keys, unescaped control characters, leading zeros. Thread-safe
 * (stateless).
 */
public final class Json {
  /** Deep enough for any real request; shallow enough that recursion cannot overflow the stack. */
  private static final int MAX_DEPTH = 512;

  private Json() {}

  /**
   * Parses a JSON text.
   *
   * @param text the text
   * @return the value; {@code null} for the literal {@code null}
   * @throws IllegalArgumentException if the text is not exactly one JSON value, with the offset
   */
  public static @Nullable Object parse(String text) {
    Reader reader = new Reader(text);
    reader.skipWhitespace();
    Object value = reader.readValue(0);
    reader.skipWhitespace();
    if (reader.pos < text.length()) {
      throw reader.error("unexpected content after the JSON value");
    }
    return value;
  }

  /**
   * Writes a value as compact JSON.
   *
   * @param value a {@code Map} with {@code String} keys, a {@code Collection}, a {@code
   *     CharSequence}, a finite {@code Number}, a {@code Boolean} or {@code null}, nested freely
   * @return the JSON text
   * @throws IllegalArgumentException for any other type, or a non-finite number
   */
  public static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    writeValue(value, out);
    return out.toString();
  }

  /**
   * Builds an insertion-ordered object from alternating keys and values, for readable literals.
   *
   * @param keysAndValues {@code key1, value1, key2, value2, ...}; values may be {@code null}
   * @return a mutable map
   */
  public static Map<String, @Nullable Object> object(@Nullable Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keysAndValues needs an even length");
    }
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
    }
    return map;
  }

  private static void writeValue(@Nullable Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence) {
      writeString(value.toString(), out);
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number) {
      writeNumber((Number) value, out);
    } else if (value instanceof Map) {
      writeObject((Map<?, ?>) value, out);
    } else if (value instanceof Collection) {
      writeArray((Collection<?>) value, out);
    } else {
      throw new IllegalArgumentException("Cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  private static void writeObject(Map<?, ?> map, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new IllegalArgumentException("JSON object keys must be strings: " + entry.getKey());
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString((String) entry.getKey(), out);
      out.append(':');
      writeValue(entry.getValue(), out);
    }
    out.append('}');
  }

  private static void writeArray(Collection<?> values, StringBuilder out) {
    out.append('[');
    boolean first = true;
    for (Object element : values) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeValue(element, out);
    }
    out.append(']');
  }

  private static void writeNumber(Number number, StringBuilder out) {
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        out.append((long) d);
      } else {
        out.append(number);
      }
    } else if (number instanceof BigDecimal) {
      out.append(((BigDecimal) number).toString());
    } else {
      out.append(number);
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          if (c < 0x20 || isLoneSurrogate(s, i) || c == '\u2028' || c == '\u2029') {
            // A lone surrogate has no UTF-8 form; escaped it survives the trip to the client.
            // U+2028/9 are legal JSON but break JavaScript consumers that eval a response.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }

  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  private static final class Reader {
    private final String text;
    private int pos;

    Reader(String text) {
      this.text = text;
    }

    @Nullable Object readValue(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= text.length()) {
        throw error("unexpected end of input, expected a value");
      }
      char c = text.charAt(pos);
      switch (c) {
        case '{':
          return readObject(depth);
        case '[':
          return readArray(depth);
        case '"':
          return readString();
        case 't':
          expectLiteral("true");
          return Boolean.TRUE;
        case 'f':
          expectLiteral("false");
          return Boolean.FALSE;
        case 'n':
          expectLiteral("null");
          return null;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return readNumber();
          }
          throw error("unexpected character " + describe(c));
      }
    }

    private Map<String, @Nullable Object> readObject(int depth) {
      pos++;
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return Collections.unmodifiableMap(map);
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        int keyAt = pos;
        String key = readString();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        if (map.containsKey(key)) {
          pos = keyAt;
          throw error("duplicate key \"" + key + "\"");
        }
        map.put(key, readValue(depth + 1));
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == '}') {
          return Collections.unmodifiableMap(map);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<@Nullable Object> readArray(int depth) {
      pos++;
      List<@Nullable Object> list = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      }
      while (true) {
        skipWhitespace();
        list.add(readValue(depth + 1));
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == ']') {
          return Collections.unmodifiableList(list);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']'");
        }
      }
    }

    private String readString() {
      pos++;
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          pos--;
          throw error("unescaped control character " + describe(c) + " in string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= text.length()) {
          throw error("unterminated escape");
        }
        char e = text.charAt(pos++);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out.append(e);
            break;
          case 'b':
            out.append('\b');
            break;
          case 'f':
            out.append('\f');
            break;
          case 'n':
            out.append('\n');
            break;
          case 'r':
            out.append('\r');
            break;
          case 't':
            out.append('\t');
            break;
          case 'u':
            out.append(readHex4());
            break;
          default:
            pos--;
            throw error("invalid escape \\" + e);
        }
      }
    }

    private char readHex4() {
      if (pos + 4 > text.length()) {
        throw error("incomplete \\u escape");
      }
      int value = 0;
      for (int i = 0; i < 4; i++) {
        int digit = Character.digit(text.charAt(pos + i), 16);
        if (digit < 0) {
          throw error("invalid hex digit in \\u escape");
        }
        value = value * 16 + digit;
      }
      pos += 4;
      return (char) value;
    }

    private BigDecimal readNumber() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
        if (isDigit(peek())) {
          throw error("leading zero in number");
        }
      } else {
        requireDigits("a digit");
      }
      if (peek() == '.') {
        pos++;
        requireDigits("a digit after the decimal point");
      }
      if (peek() == 'e' || peek() == 'E') {
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        requireDigits("a digit in the exponent");
      }
      return new BigDecimal(text.substring(start, pos));
    }

    private void requireDigits(String what) {
      if (!isDigit(peek())) {
        throw error("expected " + what);
      }
      while (isDigit(peek())) {
        pos++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private void expectLiteral(String literal) {
      if (!text.startsWith(literal, pos)) {
        throw error("invalid literal, expected " + literal);
      }
      pos += literal.length();
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    /** Returns the current character, or U+0000 at the end (never valid where it is checked). */
    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    void skipWhitespace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    IllegalArgumentException error(String message) {
      return new IllegalArgumentException("Invalid JSON at offset " + pos + ": " + message);
    }

    private static String describe(char c) {
      return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
  }

  /**
   * Reads a JSON number as an {@code int} if it is a whole number in range.
   *
   * @param value a parsed value
   * @return the integer, or {@code null} if {@code value} is not a whole number within {@code int}
   */
  public static @Nullable Integer intValue(@Nullable Object value) {
    if (!(value instanceof BigDecimal)) {
      return null;
    }
    try {
      BigInteger whole = ((BigDecimal) value).toBigIntegerExact();
      return whole.bitLength() < 32 ? whole.intValue() : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }
}
