package dev.openaiconnector.api;

/**
 * The arguments of a tool call are not valid JSON or do not match the tool's schema. Thrown by
 * tool executors; the tool loop sends the message back to the model so that it can correct the
 * call, so the message must name the argument and hold nothing secret.
 */
public class ToolArgumentsException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  private final boolean malformedJson;

  /**
   * Creates the exception.
   *
   * @param message what is wrong with which argument, for the model to read
   * @param malformedJson true when the arguments are not JSON at all
   */
  public ToolArgumentsException(String message, boolean malformedJson) {
    super(message, ErrorDetails.NONE, null);
    this.malformedJson = malformedJson;
  }

  /**
   * Tells whether the arguments were not JSON at all, rather than JSON that breaks the schema.
   *
   * @return true for malformed JSON
   */
  public boolean isMalformedJson() {
    return malformedJson;
  }
}
