package dev.openaiconnector.api;

import java.util.Objects;

/**
 * A function the model may call, with the code that runs it. Put tools on a {@link ChatRequest}
 * or a {@link SessionSpec}; the connector runs the calls the model asks for and sends the results
 * back until the model answers.
 *
 * <p>Tools from Java types (a record of arguments and a handler, or annotated methods) are made
 * by {@code dev.openaiconnector.core.Tools}, which generates the schema and checks the arguments.
 */
public final class Tool {
  private final ToolDefinition definition;
  private final ToolExecutor executor;

  private Tool(ToolDefinition definition, ToolExecutor executor) {
    this.definition = definition;
    this.executor = executor;
  }

  /**
   * A tool from its definition and the code that runs it on raw JSON arguments.
   *
   * @param definition the name, description and argument schema
   * @param executor runs a call
   * @return the tool
   */
  public static Tool of(ToolDefinition definition, ToolExecutor executor) {
    return new Tool(
        Objects.requireNonNull(definition, "definition"),
        Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Returns what the model sees of the tool.
   *
   * @return the definition
   */
  public ToolDefinition definition() {
    return definition;
  }

  /**
   * Returns the tool's name.
   *
   * @return the name
   */
  public String name() {
    return definition.name();
  }

  /**
   * Returns the code that runs a call.
   *
   * @return the executor
   */
  public ToolExecutor executor() {
    return executor;
  }

  @Override
  public String toString() {
    return "Tool[" + definition.name() + "]";
  }
}
