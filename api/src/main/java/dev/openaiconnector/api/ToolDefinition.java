package dev.openaiconnector.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the model sees of a tool: its name, what it does, and the JSON Schema of its arguments.
 *
 * @param name the function name, matching {@code ^[a-zA-Z0-9_-]{1,64}$}
 * @param description what the tool does and when to use it; the model reads this
 * @param parametersSchema the JSON Schema of the arguments object, as JSON text
 * @param strict whether the provider must make the arguments match the schema exactly (OpenAI's
 *     strict mode: every property required, no additional properties)
 */
public record ToolDefinition(
    String name, String description, String parametersSchema, boolean strict) {
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

  /** Checks the name and that the schema is a JSON object. */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchema, "parametersSchema");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "tool name '"
              + name
              + "' must match ^[a-zA-Z0-9_-]{1,64}$ (letters, digits, _ and -, at most 64)");
    }
    String schema = parametersSchema.strip();
    if (!schema.startsWith("{") || !schema.endsWith("}")) {
      throw new IllegalArgumentException(
          "parametersSchema of tool '" + name + "' must be a JSON Schema object, {...}");
    }
  }
}
