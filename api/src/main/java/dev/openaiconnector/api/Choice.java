package dev.openaiconnector.api;

import java.util.Objects;

/**
 * One of the answers in a {@link ChatResponse}; there are several when the request asked for
 * {@code n > 1}.
 *
 * @param index the position the provider gave it
 * @param message the answer
 * @param finishReason why the model stopped
 */
public record Choice(int index, AssistantMessage message, FinishReason finishReason) {
  /** Checks every component is present. */
  public Choice {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(finishReason, "finishReason");
  }
}
