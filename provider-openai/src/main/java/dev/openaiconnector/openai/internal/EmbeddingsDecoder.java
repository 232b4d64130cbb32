package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads an embeddings response with Jackson's streaming parser, the hot path of embedding a
 * corpus. A base64 vector is decoded by Jackson straight from the body into its reusable base64
 * buffer, and from there into the vector as little-endian float32 ({@link FloatSink}): per vector
 * the only allocation is the {@code float[]} itself, of the exact length once the first vector
 * (or the requested {@code dimensions}) told it. No {@code String}, no {@code byte[]} copy, no
 * boxed list. Float JSON, from a server that ignored {@code encoding_format}, is read number by
 * number into the same kind of array.
 *
 * <p>The answer's {@code data} may come in any order: each vector is placed by its {@code index},
 * which must cover 0..n-1 exactly once, with every vector of the same, non-zero length. Messages
 * name what is wrong, never a value. Stateless and thread-safe.
 */
final class EmbeddingsDecoder {
  private static final VarHandle LITTLE_ENDIAN_FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  /** The first vector's capacity when neither the request nor a previous vector gave one. */
  private static final int FIRST_GUESS = 1536;

  private EmbeddingsDecoder() {}

  /** What the body is missing or got wrong; the message completes "The embeddings response". */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The decoded body.
   *
   * @param vectors by index, each non-empty and of the same length
   * @param model the model the server named, or null
   * @param promptTokens the usage's prompt tokens, 0 when no usage came
   */
  record Decoded(float[][] vectors, @Nullable String model, long promptTokens) {}

  /**
   * Decodes a body.
   *
   * @param factory the JSON factory
   * @param body the whole body
   * @param count the number of inputs sent
   * @param dimensions the dimensions asked for, or 0: a capacity hint only, as a server may ignore
   *     them
   * @return the vectors and the rest
   * @throws IOException for a body that is not JSON or a base64 string that is not base64
   * @throws MalformedException for JSON that is not the embeddings the request asked for
   */
  static Decoded decode(JsonFactory factory, byte[] body, int count, int dimensions)
      throws IOException, MalformedException {
    float[][] vectors = new float[count][];
    String model = null;
    long promptTokens = 0;
    boolean data = false;
    try (JsonParser parser = factory.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedException("is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("data".equals(name)) {
          readData(parser, vectors, dimensions);
          data = true;
        } else if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
          model = parser.getText();
        } else if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
          promptTokens = readPromptTokens(parser);
        } else {
          parser.skipChildren();
        }
      }
    }
    if (!data) {
      throw new MalformedException("has no data");
    }
    for (int i = 0; i < count; i++) {
      if (vectors[i] == null) {
        throw new MalformedException("has no embedding for index " + i + " of " + count);
      }
    }
    return new Decoded(vectors, model, promptTokens);
  }

  private static void readData(JsonParser parser, float[][] vectors, int dimensions)
      throws IOException, MalformedException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new MalformedException("has a data field that is not an array");
    }
    FloatSink sink = new FloatSink();
    int length = dimensions;
    while (parser.nextToken() == JsonToken.START_OBJECT) {
      int index = -1;
      float[] vector = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("index".equals(name)) {
          if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new MalformedException("has an index that is not an integer");
          }
          index = parser.getIntValue();
        } else if ("embedding".equals(name)) {
          sink.start(length > 0 ? length : FIRST_GUESS);
          if (value == JsonToken.VALUE_STRING) {
            try {
              parser.readBinaryValue(sink);
            } catch (IllegalArgumentException e) {
              // Jackson reports a bad base64 character this way, quoting it: left out.
              throw new MalformedException("has an embedding that is not valid base64");
            }
          } else if (value == JsonToken.START_ARRAY) {
            readFloats(parser, sink);
          } else {
            throw new MalformedException(
                "has an embedding that is neither a base64 string nor an array of numbers");
          }
          vector = sink.finish();
        } else {
          parser.skipChildren();
        }
      }
      if (index < 0 || index >= vectors.length) {
        throw new MalformedException(
            (index < 0 ? "has an embedding without an index" : "has an index out of range, " + index)
                + " for "
                + vectors.length
                + " inputs");
      }
      if (vector == null) {
        throw new MalformedException("has no embedding at index " + index);
      }
      if (vectors[index] != null) {
        throw new MalformedException("has index " + index + " twice");
      }
      if (vector.length == 0) {
        throw new MalformedException("has an empty embedding at index " + index);
      }
      if (length > 0 && vector.length != length && hasAny(vectors)) {
        throw new MalformedException(
            "has embeddings of different lengths, "
                + length
                + " and "
                + vector.length
                + " at index "
                + index);
      }
      length = vector.length;
      vectors[index] = vector;
    }
    if (parser.currentToken() != JsonToken.END_ARRAY) {
      throw new MalformedException("has a data item that is not an object");
    }
  }

  private static boolean hasAny(float[][] vectors) {
    for (float[] vector : vectors) {
      if (vector != null) {
        return true;
      }
    }
    return false;
  }

  private static void readFloats(JsonParser parser, FloatSink sink)
      throws IOException, MalformedException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
        throw new MalformedException("has an embedding value that is not a number");
      }
      // Parsed as a float directly: through a double, a decimal could round twice.
      sink.add(parser.getFloatValue());
    }
  }

  private static long readPromptTokens(JsonParser parser) throws IOException, MalformedException {
    long promptTokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("prompt_tokens".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
        promptTokens = parser.getLongValue();
        if (promptTokens < 0) {
          throw new MalformedException("has a negative token count");
        }
      } else {
        parser.skipChildren();
      }
    }
    return promptTokens;
  }

  /**
   * Receives the decoded bytes of one base64 vector, in pieces of any length, and keeps them as
   * floats; a float split between two pieces is carried over. Also takes floats one by one.
   */
  private static final class FloatSink extends OutputStream {
    private final byte[] carry = new byte[Float.BYTES];
    private int carried;
    private float[] values = new float[0];
    private int size;

    void start(int capacity) {
      values = new float[capacity];
      size = 0;
      carried = 0;
    }

    /** Hands the vector over, trimmed to its length (a copy only when the guess was wrong). */
    float[] finish() throws MalformedException {
      if (carried != 0) {
        throw new MalformedException(
            "has a base64 embedding whose length is not a whole number of float32 values");
      }
      float[] vector = size == values.length ? values : Arrays.copyOf(values, size);
      values = new float[0];
      return vector;
    }

    void add(float value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.max(16, size * 2));
      }
      values[size++] = value;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      int at = offset;
      int end = offset + length;
      while (carried > 0 && at < end) {
        write(bytes[at++]);
      }
      int whole = (end - at) & ~(Float.BYTES - 1);
      if (size + whole / Float.BYTES > values.length) {
        values = Arrays.copyOf(values, Math.max(size + whole / Float.BYTES, values.length * 2));
      }
      for (int stop = at + whole; at < stop; at += Float.BYTES) {
        values[size++] = (float) LITTLE_ENDIAN_FLOAT.get(bytes, at);
      }
      while (at < end) {
        write(bytes[at++]);
      }
    }

    @Override
    public void write(int b) {
      carry[carried++] = (byte) b;
      if (carried == Float.BYTES) {
        carried = 0;
        add((float) LITTLE_ENDIAN_FLOAT.get(carry, 0));
      }
    }
  }
}
