package dev.openaiconnector.api;

/**
 * One message of a conversation: {@link SystemMessage}, {@link UserMessage}, {@link
 * AssistantMessage} or {@link ToolMessage}.
 */
public sealed interface ChatMessage permits SystemMessage, UserMessage, AssistantMessage, ToolMessage {

  /**
   * Returns who wrote the message.
   *
   * @return the role
   */
  Role role();

  /**
   * Returns the message's text: the instructions, the user's text parts joined by newlines
   * (images left out), the assistant's answer, or the tool's result.
   *
   * @return the text; empty for an assistant message that only calls tools or refuses
   */
  String text();

  /**
   * A system message.
   *
   * @param text the instructions
   * @return the message
   */
  static SystemMessage system(String text) {
    return new SystemMessage(text);
  }

  /**
   * A user message with text only.
   *
   * @param text the text
   * @return the message
   */
  static UserMessage user(String text) {
    return UserMessage.of(text);
  }

  /**
   * An assistant message with text only, for example a previous answer in a history.
   *
   * @param text the text
   * @return the message
   */
  static AssistantMessage assistant(String text) {
    return AssistantMessage.of(text);
  }

  /**
   * The result of a tool call.
   *
   * @param toolCallId the id of the call this answers
   * @param content the result, usually JSON
   * @return the message
   */
  static ToolMessage tool(String toolCallId, String content) {
    return new ToolMessage(toolCallId, content);
  }

  /** The author of a message. */
  enum Role {
    /** Instructions for the model. */
    SYSTEM,
    /** The end user. */
    USER,
    /** The model. */
    ASSISTANT,
    /** A tool's result. */
    TOOL
  }
}
