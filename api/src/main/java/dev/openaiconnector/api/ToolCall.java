package dev.openaiconnector.api;

import java.util.Objects;

/**
 * A function call the model asked for.
 *
 * @param id the call's id, echoed back in the {@link ToolMessage} that answers it
 * @param name the function's name
 * @param arguments the arguments as the model wrote them: a JSON object, not yet validated
 */
public record ToolCall(String id, String name, String arguments) {
  /** Checks every component is present. */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
