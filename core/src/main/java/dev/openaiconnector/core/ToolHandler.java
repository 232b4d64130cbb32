package dev.openaiconnector.core;

import org.jspecify.annotations.Nullable;

/**
 * The code of a tool made by {@link Tools#of(String, String, Class, ToolHandler)}: it receives the
 * arguments the model wrote, checked against their schema and bound to a Java type.
 *
 * <p>Called by the connector's tool loop, possibly from several threads at once when the model
 * asks for parallel calls, so implementations must be thread-safe.
 *
 * @param <T> the type of the arguments, usually a record
 */
@FunctionalInterface
public interface ToolHandler<T> {
  /**
   * Runs the tool.
   *
   * @param arguments the arguments
   * @return the result for the model: a {@link CharSequence} is sent as is, anything else (a
   *     record, a map, a list...) as JSON, and null as {@code null}
   * @throws Exception if the tool fails; the model is told that it failed, without details
   */
  @Nullable Object handle(T arguments) throws Exception;
}
