package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON a model wrote (tool arguments, structured answers) into Java values, and writes
 * tool results as JSON. Thread-safe.
 *
 * <p>Error messages say where and what, never which value: they go back to the model or into
 * exceptions that may be logged, while the JSON may hold personal data.
 */
public final class JsonMapping {
  // Values are checked against their schema before binding, so binding is strict: no unknown
  // properties, no trailing content. Fields are bound directly, as the schema describes them.
  private static final ObjectMapper READER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .build();

  private static final ObjectMapper WRITER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private JsonMapping() {}

  /**
   * Parses JSON text.
   *
   * @param json the text
   * @return the tree
   * @throws InvalidJsonException if the text is empty or not one JSON value; the message says
   *     what is wrong and where
   */
  public static JsonNode parse(String json) throws InvalidJsonException {
    JsonNode tree;
    try {
      tree = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidJsonException(syntaxError(e));
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidJsonException("it is empty");
    }
    return tree;
  }

  /**
   * Binds a JSON value, already checked against its schema, to a Java type.
   *
   * @param value the value
   * @param type the Java type, possibly generic
   * @param path the JSON path of the value, for messages, such as {@code $} or {@code $.city}
   * @return the bound value; null for a JSON null bound to a reference type
   * @throws InvalidJsonException if the value does not fit the type, for example a number out of
   *     range of an {@code int} or a date that does not exist; the message names the path
   */
  public static @Nullable Object bind(JsonNode value, Type type, String path)
      throws InvalidJsonException {
    try {
      return READER.readerFor(READER.constructType(type)).readValue(value);
    } catch (IOException e) {
      // A value bound at the top (a method parameter) fails without a path of its own.
      String where =
          e instanceof JsonMappingException ? pathOf(path, (JsonMappingException) e) : path;
      throw new InvalidJsonException(
          where
              + (hasCause(e, InputCoercionException.class)
                  ? ": is out of range"
                  : ": has an invalid value"));
    }
  }

  /**
   * Turns what a tool returned into the text the model reads: a {@link CharSequence} as is,
   * anything else as JSON, and null (or a {@code void} method's result) as {@code null}.
   *
   * @param result the tool's result
   * @param toolName the tool, for the message of a failure
   * @return the text
   * @throws IllegalStateException if the result cannot be written as JSON
   */
  public static String toolResult(@Nullable Object result, String toolName) {
    if (result instanceof CharSequence) {
      return result.toString();
    }
    try {
      return WRITER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the result of tool '" + toolName + "' cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the result sent for a tool call that did not succeed: {@code {"error": ..., "message":
   * ...}}, in that order.
   *
   * @param error the outcome, in lower case
   * @param message what the model should know
   * @return the JSON text
   */
  public static String errorResult(String error, String message) {
    ObjectNode node = WRITER.createObjectNode();
    node.put("error", error);
    node.put("message", message);
    return node.toString();
  }

  private static String syntaxError(JsonProcessingException e) {
    String what;
    if (e instanceof JsonEOFException) {
      what = "it ends too early";
    } else if (e instanceof StreamReadException) {
      // Not the parser's own words: they quote the offending token, which may be personal data.
      what = "it is not well-formed JSON";
    } else {
      what = "more content follows the JSON value";
    }
    JsonLocation location = e.getLocation();
    return location == null || location.getLineNr() < 1
        ? what
        : what + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String pathOf(String root, JsonMappingException e) {
    StringBuilder path = new StringBuilder(root);
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static boolean hasCause(Throwable thrown, Class<? extends Throwable> type) {
    for (@Nullable Throwable t = thrown; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** JSON that cannot be read; the message is short and safe to show to the model. */
  public static final class InvalidJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidJsonException(String message) {
      super(message);
    }
  }
}
