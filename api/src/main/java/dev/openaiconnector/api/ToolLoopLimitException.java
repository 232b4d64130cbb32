package dev.openaiconnector.api;

import java.util.List;

/**
 * The tool loop hit a limit (rounds, or calls of one tool) before the model gave its final
 * answer. Carries the conversation so far and its usage, so nothing is lost: the application can
 * show it, or continue it with a new request.
 */
public class ToolLoopLimitException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  // Messages and tools are not serializable: a serialized copy keeps the message and details
  // only, and its accessors return what was left (empty lists, or null for the result).
  private final transient List<ChatMessage> conversation;

  // Messages and tools are not serializable: a serialized copy keeps the message and details
  // only, and its accessors return what was left (empty lists, or null for the result).
  private final transient List<ToolRound> rounds;

  /**
   * Creates the exception.
   *
   * @param message which limit was hit and how to raise it
   * @param conversation every message so far, the last tool results included
   * @param rounds the rounds completed, with their usage
   */
  public ToolLoopLimitException(
      String message, List<ChatMessage> conversation, List<ToolRound> rounds) {
    super(message, ErrorDetails.NONE, null);
    this.conversation = List.copyOf(conversation);
    this.rounds = List.copyOf(rounds);
  }

  /**
   * Returns the conversation so far.
   *
   * @return the messages, oldest first
   */
  public List<ChatMessage> conversation() {
    return conversation;
  }

  /**
   * Returns the completed rounds.
   *
   * @return the rounds, with their usage
   */
  public List<ToolRound> rounds() {
    return rounds;
  }

  /**
   * Returns the tokens used by the rounds so far.
   *
   * @return the summed usage
   */
  public TokenUsage usage() {
    TokenUsage sum = TokenUsage.ZERO;
    for (ToolRound round : rounds) {
      sum = sum.plus(round.usage());
    }
    return sum;
  }
}
