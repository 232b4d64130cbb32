package dev.openaiconnector.api;

import java.util.Objects;

/**
 * What came of one tool call, as an after-call hook sees it.
 *
 * @param call the call as run (with rewritten arguments, if a hook rewrote them)
 * @param content what the model is sent as the tool's result
 * @param outcome whether the tool ran, failed, or was not run
 */
public record ToolResult(ToolCall call, String content, Outcome outcome) {
  /** Checks the components are present. */
  public ToolResult {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** How a tool call ended. */
  public enum Outcome {
    /** The tool ran and returned a result. */
    SUCCEEDED,
    /** The arguments were not valid JSON. */
    INVALID_JSON,
    /** The arguments did not match the tool's schema. */
    INVALID_ARGUMENTS,
    /** The model named a tool that does not exist. */
    UNKNOWN_TOOL,
    /** The tool threw an exception. */
    FAILED,
    /** A before-call hook refused the call. */
    DENIED
  }
}
