package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import java.util.List;

/**
 * The memory bounds of a session: at most so many messages (the system prompt not counted) and,
 * optionally, at most so many estimated tokens (the system prompt counted).
 *
 * <p>Eviction removes whole exchanges from the oldest end. An exchange starts at a user message and
 * runs to the next one, so an assistant message with tool calls always leaves together with the
 * tool messages that answer it: the API rejects a tool message whose call it cannot see.
 */
final class MemoryWindow {
  private final int maxMessages;
  private final long maxTokens;
  private final long systemTokens;

  /**
   * Creates the bounds.
   *
   * @param maxMessages the most messages kept, the system prompt not counted
   * @param maxTokens the token budget, or 0 for none
   * @param systemTokens the estimated tokens of the system prompt, counted against the budget
   */
  MemoryWindow(int maxMessages, long maxTokens, long systemTokens) {
    this.maxMessages = maxMessages;
    this.maxTokens = maxTokens;
    this.systemTokens = systemTokens;
  }

  /**
   * Returns the newest messages that fit, evicting whole exchanges from the head.
   *
   * @param messages the messages, oldest first, without the system prompt
   * @param keepFrom the index of the first message that must be kept even over the bounds (the
   *     newest user message); the messages from there on are never evicted
   * @return an immutable copy of the messages kept
   */
  List<ChatMessage> fit(List<ChatMessage> messages, int keepFrom) {
    int size = messages.size();
    boolean budgeted = maxTokens > 0;
    long tokens = budgeted ? systemTokens + TokenEstimator.estimate(messages) : 0;
    int start = 0;
    while (start < keepFrom && (size - start > maxMessages || (budgeted && tokens > maxTokens))) {
      int end = exchangeEnd(messages, start, keepFrom);
      if (budgeted) {
        for (int i = start; i < end; i++) {
          tokens -= TokenEstimator.estimate(messages.get(i));
        }
      }
      start = end;
    }
    // Only a stored history can start with an orphaned tool result; the API would reject it.
    while (start < keepFrom && messages.get(start) instanceof ToolMessage) {
      start++;
    }
    return List.copyOf(start == 0 ? messages : messages.subList(start, size));
  }

  private static int exchangeEnd(List<ChatMessage> messages, int start, int keepFrom) {
    int end = start + 1;
    while (end < keepFrom && !(messages.get(end) instanceof UserMessage)) {
      end++;
    }
    return end;
  }
}
