package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A message from the end user: text, images, or both.
 *
 * @param parts the content parts, in order; at least one
 */
public record UserMessage(List<ContentPart> parts) implements ChatMessage {
  /** Copies the parts and checks there is at least one. */
  public UserMessage {
    parts = List.copyOf(Objects.requireNonNull(parts, "parts"));
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a user message needs at least one content part");
    }
  }

  /**
   * A text-only user message.
   *
   * @param text the text
   * @return the message
   */
  public static UserMessage of(String text) {
    return new UserMessage(List.of(new TextPart(text)));
  }

  /**
   * A user message of several parts, for example a question and an image.
   *
   * @param parts the parts, in order
   * @return the message
   */
  public static UserMessage of(ContentPart... parts) {
    return new UserMessage(List.of(parts));
  }

  @Override
  public String text() {
    return parts.stream()
        .filter(TextPart.class::isInstance)
        .map(part -> ((TextPart) part).text())
        .collect(Collectors.joining("\n"));
  }

  /**
   * Tells whether the message is a single text part, which providers may send as a plain string.
   *
   * @return true for a text-only message of one part
   */
  public boolean isPlainText() {
    return parts.size() == 1 && parts.get(0) instanceof TextPart;
  }

  @Override
  public Role role() {
    return Role.USER;
  }
}
