package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.ToolArgumentsException;
import java.lang.reflect.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the arguments of a tool call: parses them, checks them against the tool's schema, binds
 * them to Java values. Every problem becomes a {@link ToolArgumentsException} whose message the
 * tool loop sends back to the model, so that it can correct the call.
 */
public final class ToolArguments {
  private ToolArguments() {}

  /**
   * Parses the arguments and checks them against the schema.
   *
   * @param argumentsJson the arguments as the model wrote them
   * @param schema the tool's schema
   * @return the arguments object, matching the schema
   * @throws ToolArgumentsException if they are not JSON, or do not match the schema
   */
  public static JsonNode read(String argumentsJson, JsonSchema schema) {
    JsonNode arguments;
    try {
      // Some models send an empty string rather than {} to a tool without parameters.
      arguments = JsonMapping.parse(argumentsJson.isBlank() ? "{}" : argumentsJson);
    } catch (JsonMapping.InvalidJsonException e) {
      throw new ToolArgumentsException("arguments are not valid JSON: " + e.getMessage(), true);
    }
    List<String> problems = schema.validate(arguments);
    if (!problems.isEmpty()) {
      throw new ToolArgumentsException(String.join("; ", problems), false);
    }
    return arguments;
  }

  /**
   * Binds an argument, or the whole arguments object, to a Java type.
   *
   * @param value the JSON value, already checked against the schema
   * @param type the Java type
   * @param path the value's JSON path, such as {@code $} or {@code $.city}
   * @return the Java value; null for a JSON null bound to a reference type
   * @throws ToolArgumentsException if the value does not fit the type, such as a number out of
   *     range
   */
  public static @Nullable Object bind(JsonNode value, Type type, String path) {
    try {
      return JsonMapping.bind(value, type, path);
    } catch (JsonMapping.InvalidJsonException e) {
      throw new ToolArgumentsException(e.getMessage(), false);
    }
  }
}
