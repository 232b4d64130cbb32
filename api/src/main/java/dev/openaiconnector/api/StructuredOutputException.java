package dev.openaiconnector.api;

/**
 * The model's answer does not parse as the requested type or does not match its schema. The raw
 * content is kept on the exception, not in its message, since answers may hold personal data.
 */
public class StructuredOutputException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  private final String rawContent;

  /**
   * Creates the exception.
   *
   * @param message what did not match, naming the field
   * @param rawContent the content as the model wrote it
   * @param cause the parser's exception, or null
   */
  public StructuredOutputException(
      String message, String rawContent, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, ErrorDetails.NONE, cause);
    this.rawContent = rawContent;
  }

  /**
   * Returns the content as the model wrote it.
   *
   * @return the raw content
   */
  public String rawContent() {
    return rawContent;
  }
}
