package dev.openaiconnector.api;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The format the model must answer in.
 *
 * <p>{@link #jsonObject()} ("JSON mode") needs the word "JSON" in a message of the request: the
 * API rejects the request otherwise, so {@link ChatRequest.Builder#build()} checks it first.
 * {@link #jsonSchema} (structured output) makes the answer match a JSON Schema; {@code
 * Connector.chat(request, Type.class)} generates the schema from a Java type and parses the answer.
 */
public final class ResponseFormat {
  private static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
  private static final ResponseFormat JSON_OBJECT =
      new ResponseFormat(Type.JSON_OBJECT, null, null, false);
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

  private final Type type;
  private final @Nullable String schemaName;
  private final @Nullable String schema;
  private final boolean strict;

  private ResponseFormat(
      Type type, @Nullable String schemaName, @Nullable String schema, boolean strict) {
    this.type = type;
    this.schemaName = schemaName;
    this.schema = schema;
    this.strict = strict;
  }

  /**
   * Plain text, the default.
   *
   * @return the text format
   */
  public static ResponseFormat text() {
    return TEXT;
  }

  /**
   * Any valid JSON object ("JSON mode").
   *
   * @return the JSON object format
   */
  public static ResponseFormat jsonObject() {
    return JSON_OBJECT;
  }

  /**
   * An answer that matches a JSON Schema (structured output).
   *
   * @param name a name for the schema, matching {@code ^[a-zA-Z0-9_-]{1,64}$}
   * @param schema the JSON Schema, as JSON text
   * @param strict whether the provider must match the schema exactly (OpenAI's strict mode)
   * @return the format
   */
  public static ResponseFormat jsonSchema(String name, String schema, boolean strict) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "schema name '" + name + "' must match ^[a-zA-Z0-9_-]{1,64}$");
    }
    if (!schema.strip().startsWith("{")) {
      throw new IllegalArgumentException("schema '" + name + "' must be a JSON Schema object");
    }
    return new ResponseFormat(Type.JSON_SCHEMA, name, schema, strict);
  }

  /**
   * Returns the kind of format.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  /**
   * Returns the schema's name, for {@link Type#JSON_SCHEMA}.
   *
   * @return the name
   */
  public Optional<String> schemaName() {
    return Optional.ofNullable(schemaName);
  }

  /**
   * Returns the JSON Schema, for {@link Type#JSON_SCHEMA}.
   *
   * @return the schema as JSON text
   */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /**
   * Tells whether the schema must be matched exactly.
   *
   * @return the strict flag; false for the other types
   */
  public boolean strict() {
    return strict;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof ResponseFormat)) {
      return false;
    }
    ResponseFormat that = (ResponseFormat) other;
    return type == that.type
        && strict == that.strict
        && Objects.equals(schemaName, that.schemaName)
        && Objects.equals(schema, that.schema);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, schemaName, schema, strict);
  }

  @Override
  public String toString() {
    return schemaName == null
        ? "ResponseFormat[" + type.wireValue() + "]"
        : "ResponseFormat[" + type.wireValue() + ", " + schemaName + "]";
  }

  /** The kinds of response format. */
  public enum Type {
    /** Plain text. */
    TEXT("text"),
    /** A JSON object. */
    JSON_OBJECT("json_object"),
    /** JSON that matches a schema. */
    JSON_SCHEMA("json_schema");

    private final String wireValue;

    Type(String wireValue) {
      this.wireValue = wireValue;
    }

    /**
     * Returns the value the API uses ({@code text}, {@code json_object}, {@code json_schema}).
     *
     * @return the wire value
     */
    public String wireValue() {
      return wireValue;
    }
  }
}
