package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message from the model: text, tool calls, or a refusal.
 *
 * @param content the text, or null when the model only called tools or refused
 * @param toolCalls the function calls the model asked for; empty when none
 * @param refusal the model's refusal message, or null
 */
public record AssistantMessage(
    @Nullable String content, List<ToolCall> toolCalls, @Nullable String refusal)
    implements ChatMessage {

  /** Copies the tool calls. */
  public AssistantMessage {
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
  }

  /**
   * An assistant message with text only.
   *
   * @param content the text
   * @return the message
   */
  public static AssistantMessage of(String content) {
    return new AssistantMessage(Objects.requireNonNull(content, "content"), List.of(), null);
  }

  @Override
  public String text() {
    return content == null ? "" : content;
  }

  /**
   * Tells whether the model asked for tool calls.
   *
   * @return true if there is at least one tool call
   */
  public boolean hasToolCalls() {
    return !toolCalls.isEmpty();
  }

  @Override
  public Role role() {
    return Role.ASSISTANT;
  }
}
