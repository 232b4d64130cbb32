package dev.openaiconnector.api;

import java.util.Objects;

/**
 * Why the model stopped. Values the API adds later are kept as they came, so compare with the
 * constants and fall back on {@link #value()}.
 *
 * @param value the wire value, for example {@code stop}
 */
public record FinishReason(String value) {
  /** The model finished its answer or hit a stop sequence. */
  public static final FinishReason STOP = new FinishReason("stop");

  /** The answer was cut at the token limit. */
  public static final FinishReason LENGTH = new FinishReason("length");

  /** The model asked for tool calls. */
  public static final FinishReason TOOL_CALLS = new FinishReason("tool_calls");

  /** The answer was withheld by a content filter. */
  public static final FinishReason CONTENT_FILTER = new FinishReason("content_filter");

  /** The model called a function (the deprecated form of tool calls). */
  public static final FinishReason FUNCTION_CALL = new FinishReason("function_call");

  /** Checks the value is present. */
  public FinishReason {
    Objects.requireNonNull(value, "value");
  }

  /**
   * Returns the finish reason for a wire value, known or not.
   *
   * @param value the wire value
   * @return the finish reason
   */
  public static FinishReason of(String value) {
    switch (value) {
      case "stop":
        return STOP;
      case "length":
        return LENGTH;
      case "tool_calls":
        return TOOL_CALLS;
      case "content_filter":
        return CONTENT_FILTER;
      case "function_call":
        return FUNCTION_CALL;
      default:
        return new FinishReason(value);
    }
  }

  /**
   * Tells whether this is one of the constants of this class.
   *
   * @return false for a value the API added after this version of the library
   */
  public boolean isKnown() {
    return STOP.equals(this)
        || LENGTH.equals(this)
        || TOOL_CALLS.equals(this)
        || CONTENT_FILTER.equals(this)
        || FUNCTION_CALL.equals(this);
  }
}
