package dev.openaiconnector.api;

/** The usage a connector has counted. Thread-safe. */
public interface UsageTracker {
  /**
   * Returns the usage summed since the connector was built or last {@link #reset()}.
   *
   * @return a consistent copy, unaffected by later calls
   */
  UsageSnapshot snapshot();

  /** Starts counting from zero again, for example at the start of a billing period. */
  void reset();
}
