package dev.openaiconnector.knowledge.pgvector;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metadata as a flat JSON object of strings, the form stored in the {@code jsonb} column and sent
 * as {@code @>} filters: a few dozen lines instead of a JSON library on the class path.
 */
final class MetadataJson {
  private MetadataJson() {}

  /** Writes the pairs as a JSON object, keys sorted so that equal maps give equal text. */
  static String write(Map<String, String> metadata) {
    StringBuilder json = new StringBuilder(16 + metadata.size() * 32).append('{');
    boolean first = true;
    for (Map.Entry<String, String> pair : new TreeMap<>(metadata).entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      string(json, pair.getKey()).append(':');
      string(json, pair.getValue());
    }
    return json.append('}').toString();
  }

  private static StringBuilder string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }

  /**
   * Reads a JSON object whose values are all strings, as PostgreSQL prints a {@code jsonb}.
   *
   * @throws IllegalArgumentException if the text is not such an object
   */
  static Map<String, String> read(String json) {
    return new Reader(json).object();
  }

  private static final class Reader {
    private final String json;
    private int at;

    Reader(String json) {
      this.json = json;
    }

    Map<String, String> object() {
      Map<String, String> pairs = new HashMap<>();
      expect('{');
      if (peek() == '}') {
        at++;
      } else {
        while (true) {
          String key = string();
          expect(':');
          pairs.put(key, string());
          char next = next();
          if (next == '}') {
            break;
          }
          if (next != ',') {
            throw malformed("',' or '}'");
          }
        }
      }
      if (skipSpace() != json.length()) {
        throw malformed("the end");
      }
      return pairs;
    }

    private String string() {
      expect('"');
      StringBuilder text = new StringBuilder();
      while (true) {
        if (at >= json.length()) {
          throw malformed("'\"'");
        }
        char c = json.charAt(at++);
        if (c == '"') {
          return text.toString();
        }
        if (c != '\\') {
          text.append(c);
          continue;
        }
        if (at >= json.length()) {
          throw malformed("an escape");
        }
        char escaped = json.charAt(at++);
        switch (escaped) {
          case '"', '\\', '/' -> text.append(escaped);
          case 'n' -> text.append('\n');
          case 'r' -> text.append('\r');
          case 't' -> text.append('\t');
          case 'b' -> text.append('\b');
          case 'f' -> text.append('\f');
          case 'u' -> {
            if (at + 4 > json.length()) {
              throw malformed("four hex digits");
            }
            try {
              text.append((char) Integer.parseInt(json.substring(at, at + 4), 16));
            } catch (NumberFormatException e) {
              throw malformed("four hex digits");
            }
            at += 4;
          }
          default -> throw malformed("an escape");
        }
      }
    }

    private void expect(char expected) {
      if (next() != expected) {
        throw malformed("'" + expected + "'");
      }
    }

    private char next() {
      char c = peek();
      at++;
      return c;
    }

    private char peek() {
      skipSpace();
      if (at >= json.length()) {
        throw malformed("more");
      }
      return json.charAt(at);
    }

    private int skipSpace() {
      while (at < json.length() && Character.isWhitespace(json.charAt(at))) {
        at++;
      }
      return at;
    }

    private IllegalArgumentException malformed(String expected) {
      return new IllegalArgumentException(
          "metadata is not a JSON object of strings: expected " + expected + " at " + at);
    }
  }
}
