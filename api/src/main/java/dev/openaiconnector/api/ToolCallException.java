package dev.openaiconnector.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tool call failed and the connector was told to throw rather than tell the model. Carries the
 * conversation so far, so nothing is lost.
 */
public class ToolCallException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  // Messages and tools are not serializable: a serialized copy keeps the message and details
  // only, and its accessors return what was left (empty lists, or null for the result).
  private final transient ToolResult result;

  // Messages and tools are not serializable: a serialized copy keeps the message and details
  // only, and its accessors return what was left (empty lists, or null for the result).
  private final transient List<ChatMessage> conversation;

  /**
   * Creates the exception.
   *
   * @param result the failed call and how it failed
   * @param conversation every message up to the assistant message that asked for the call
   * @param cause the tool's exception, or null
   */
  public ToolCallException(
      ToolResult result, List<ChatMessage> conversation, @Nullable Throwable cause) {
    super(
        "Tool call '" + result.call().name() + "' (" + result.call().id() + ") ended "
            + result.outcome(),
        ErrorDetails.NONE,
        cause);
    this.result = result;
    this.conversation = List.copyOf(conversation);
  }

  /**
   * Returns the failed call and how it failed.
   *
   * @return the result
   */
  public ToolResult result() {
    return result;
  }

  /**
   * Returns the conversation up to the failed call.
   *
   * @return the messages, oldest first
   */
  public List<ChatMessage> conversation() {
    return conversation;
  }
}
