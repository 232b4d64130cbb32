package dev.openaiconnector.api;

/**
 * Runs a tool on the arguments the model wrote.
 *
 * <p>Called by the core's tool loop, possibly from several threads at once when the model asks
 * for parallel calls, so implementations must be thread-safe.
 */
@FunctionalInterface
public interface ToolExecutor {
  /**
   * Runs the tool.
   *
   * @param argumentsJson the arguments as the model wrote them: a JSON object, not yet checked
   * @return the result the model reads, usually JSON
   * @throws ToolArgumentsException if the arguments are not valid; its message goes back to the
   *     model
   * @throws Exception if the tool fails; the model is told that it failed, without details
   */
  String execute(String argumentsJson) throws Exception;
}
