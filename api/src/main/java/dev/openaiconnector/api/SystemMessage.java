package dev.openaiconnector.api;

import java.util.Objects;

/**
 * Instructions for the model. In a session, the system message is never evicted from memory.
 *
 * @param text the instructions
 */
public record SystemMessage(String text) implements ChatMessage {
  /** Checks the text is present. */
  public SystemMessage {
    Objects.requireNonNull(text, "text");
  }

  @Override
  public Role role() {
    return Role.SYSTEM;
  }
}
