package dev.openaiconnector.api;

/** The consumer closed the stream (or cancelled its subscription) before it ended. */
public class StreamCancelledException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param providerId the provider whose stream was closed
   */
  public StreamCancelledException(String providerId) {
    super("The stream was closed before it ended", ErrorDetails.ofProvider(providerId), null);
  }
}
