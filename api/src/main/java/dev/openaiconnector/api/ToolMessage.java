package dev.openaiconnector.api;

import java.util.Objects;

/**
 * The result of a tool call, sent back to the model.
 *
 * @param toolCallId the id of the {@link ToolCall} this answers
 * @param content the result, usually JSON
 */
public record ToolMessage(String toolCallId, String content) implements ChatMessage {
  /** Checks both components are present. */
  public ToolMessage {
    Objects.requireNonNull(toolCallId, "toolCallId");
    Objects.requireNonNull(content, "content");
  }

  @Override
  public String text() {
    return content;
  }

  @Override
  public Role role() {
    return Role.TOOL;
  }
}
