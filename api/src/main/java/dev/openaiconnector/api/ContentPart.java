package dev.openaiconnector.api;

/**
 * A part of a user message: {@link TextPart} or {@link ImagePart}.
 *
 * <p>Sealed so that providers can map every kind of part; new kinds arrive with new minor
 * versions of the SPI.
 */
public sealed interface ContentPart permits TextPart, ImagePart {

  /**
   * A text part.
   *
   * @param text the text
   * @return the part
   */
  static TextPart text(String text) {
    return new TextPart(text);
  }
}
