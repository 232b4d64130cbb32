package dev.openaiconnector.core;

import dev.openaiconnector.api.ToolCallException;
import dev.openaiconnector.api.ToolResult;

/**
 * What the tool loop does when a tool call fails: its arguments are not valid JSON or do not match
 * the schema, the model named a tool that does not exist, or the tool threw.
 *
 * <p>A call refused by a before-call hook ({@link ToolResult.Outcome#DENIED}) is not a failure:
 * the model is always told the reason.
 */
public enum ToolFailureMode {
  /**
   * Send the failure back to the model as the tool's result, a short JSON object such as {@code
   * {"error":"failed","message":"The tool get_weather failed. No details are available."}}, so
   * that it can correct the call or answer without it. The default.
   */
  TELL_MODEL,

  /**
   * Stop the loop with a {@link ToolCallException} carrying the failed call, the conversation up
   * to the assistant message that asked for it, and the tool's exception as its cause.
   */
  THROW
}
