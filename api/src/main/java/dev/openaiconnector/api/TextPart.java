package dev.openaiconnector.api;

import java.util.Objects;

/**
 * A text part of a user message.
 *
 * @param text the text; never null
 */
public record TextPart(String text) implements ContentPart {
  /** Checks the text is present. */
  public TextPart {
    Objects.requireNonNull(text, "text");
  }
}
