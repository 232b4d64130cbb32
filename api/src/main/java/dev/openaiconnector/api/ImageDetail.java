package dev.openaiconnector.api;

/** How much detail the model should take from an image: fewer tokens at {@link #LOW}. */
public enum ImageDetail {
  /** The model chooses. */
  AUTO,
  /** A low-resolution pass: cheaper and faster. */
  LOW,
  /** A high-resolution pass. */
  HIGH;

  /**
   * Returns the wire value ({@code auto}, {@code low} or {@code high}).
   *
   * @return the lower-case name
   */
  public String wireValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
