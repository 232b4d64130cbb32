package dev.openaiconnector.showcase;

/** Fails a step whose calls worked but whose result was not what the step needs. */
final class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StepFailedException(String message) {
    super(message);
  }
}
