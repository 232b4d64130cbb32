package dev.openaiconnector.api;

/**
 * The model refused to answer in the requested structure ({@code message.refusal}). Thrown by
 * {@link StructuredResponse#value()}; the refusal is an answer, not a parse error.
 */
public class ModelRefusalException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  private final String refusal;

  /**
   * Creates the exception.
   *
   * @param refusal the model's refusal message
   */
  public ModelRefusalException(String refusal) {
    super("The model refused to answer in the requested structure", ErrorDetails.NONE, null);
    this.refusal = refusal;
  }

  /**
   * Returns the model's refusal message.
   *
   * @return the refusal, to show to the user
   */
  public String refusal() {
    return refusal;
  }
}
