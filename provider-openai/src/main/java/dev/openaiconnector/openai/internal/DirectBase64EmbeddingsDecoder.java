package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of reading an embeddings body, for what OpenAI sends: base64 vectors. Jackson's
 * streaming parser walks the JSON; each base64 {@code embedding} is decoded by {@link
 * Base64Floats} straight from the body's bytes, from the string token's byte offset to its closing
 * quote, and the parser then skips the string, which only scans for that quote. Jackson's own
 * {@code readBinaryValue} decodes one character at a time with a check on each, which made the
 * provider slower than a plain client's {@code String} and {@link java.util.Base64} (see the
 * benchmarks' README).
 *
 * <p>It decodes only bodies that {@link EmbeddingsDecoder} accepts, to the same vectors, model and
 * usage, and declines everything else by returning null: float JSON, base64 with escapes or
 * whitespace, and every malformed body. The caller then runs {@link EmbeddingsDecoder}, the one
 * place that reads every body and says what is wrong. Stateless and thread-safe.
 */
final class DirectBase64EmbeddingsDecoder {
  private DirectBase64EmbeddingsDecoder() {}

  /**
   * Decodes a body of base64 embeddings.
   *
   * @param factory the JSON factory; its parsers must read the array itself, with no input
   *     decorator
   * @param body the whole body
   * @param count the number of inputs sent
   * @return the vectors and the rest, or null for a body to read with {@link EmbeddingsDecoder}
   */
  static EmbeddingsDecoder.@Nullable Decoded decode(JsonFactory factory, byte[] body, int count) {
    if (factory.getInputDecorator() != null) {
      return null;
    }
    float[][] vectors = new float[count][];
    String model = null;
    long promptTokens = 0;
    boolean data = false;
    try (JsonParser parser = factory.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("data".equals(name)) {
          if (data || value != JsonToken.START_ARRAY || !readData(parser, body, vectors)) {
            return null;
          }
          data = true;
        } else if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
          model = parser.getText();
        } else if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          promptTokens = readPromptTokens(parser);
          if (promptTokens < 0) {
            return null;
          }
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      // Not JSON, or numbers out of range: EmbeddingsDecoder reports it.
      return null;
    }
    if (!data) {
      return null;
    }
    for (float[] vector : vectors) {
      if (vector == null) {
        return null;
      }
    }
    return new EmbeddingsDecoder.Decoded(vectors, model, promptTokens);
  }

  // False for anything EmbeddingsDecoder would reject or read differently.
  private static boolean readData(JsonParser parser, byte[] body, float[][] vectors)
      throws IOException {
    int length = 0;
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      int index = -1;
      float[] vector = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("index".equals(name)) {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            return false;
          }
          index = parser.getIntValue();
        } else if ("embedding".equals(name)) {
          if (value != JsonToken.VALUE_STRING) {
            return false;
          }
          vector = base64(parser, body, length);
          if (vector == null) {
            return false;
          }
        } else {
          parser.skipChildren();
        }
      }
      if (index < 0
          || index >= vectors.length
          || vector == null
          || vector.length == 0
          || vectors[index] != null
          || (length > 0 && vector.length != length)) {
        return false;
      }
      length = vector.length;
      vectors[index] = vector;
    }
    return parser.currentToken() == JsonToken.END_ARRAY;
  }

  // The string the parser is on, decoded from the body; the parser's next token skips it. The
  // previous vector's length, when there is one, says where the closing quote should be: finding
  // it by a scan costs about as much as a third of the decoding.
  private static float @Nullable [] base64(JsonParser parser, byte[] body, int expectedLength) {
    long quote = parser.currentTokenLocation().getByteOffset();
    if (quote < 0 || quote >= body.length || body[(int) quote] != '"') {
      return null;
    }
    int from = (int) quote + 1;
    if (expectedLength > 0) {
      long expectedEnd = from + (expectedLength * 4L + 2) / 3 * 4;
      if (expectedEnd < body.length && body[(int) expectedEnd] == '"') {
        // Valid base64 has no quote, so a string that decodes ends at this quote.
        float[] vector = Base64Floats.decode(body, from, (int) expectedEnd);
        if (vector != null) {
          return vector;
        }
      }
    }
    int to = from;
    // A quote inside the string is escaped, after a backslash that Base64Floats declines.
    while (to < body.length && body[to] != '"') {
      to++;
    }
    return to == body.length ? null : Base64Floats.decode(body, from, to);
  }

  private static long readPromptTokens(JsonParser parser) throws IOException {
    long promptTokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("prompt_tokens".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
        promptTokens = parser.getLongValue();
        if (promptTokens < 0) {
          return -1;
        }
      } else {
        parser.skipChildren();
      }
    }
    return promptTokens;
  }
}
