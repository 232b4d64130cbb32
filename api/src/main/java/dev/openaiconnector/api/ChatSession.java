package dev.openaiconnector.api;

import java.util.List;

/**
 * A conversation that keeps its history: each {@link #send} adds the user message and the answer,
 * and the next call sends the history along.
 *
 * <p>Thread-safe: concurrent sends are served one after the other, so the history stays in
 * order. The history is bounded by the memory limits of the {@link SessionSpec}; the system
 * prompt is never evicted.
 */
public interface ChatSession {
  /**
   * Returns the session's id, under which its {@link SessionStore} keeps the history.
   *
   * @return the id
   */
  String id();

  /**
   * Sends a text message and returns the answer.
   *
   * @param text the user's text
   * @return the answer, already added to the history
   */
  ChatResponse send(String text);

  /**
   * Sends a message, for example text with an image, and returns the answer.
   *
   * @param message the user's message
   * @return the answer, already added to the history
   */
  ChatResponse send(UserMessage message);

  /**
   * Sends a text message and streams the answer; the exchange joins the history once the stream
   * has ended successfully.
   *
   * @param text the user's text
   * @return the stream, to be closed
   */
  ChatStream stream(String text);

  /**
   * Sends a message and streams the answer; the exchange joins the history once the stream has
   * ended successfully.
   *
   * @param message the user's message
   * @return the stream, to be closed
   */
  ChatStream stream(UserMessage message);

  /**
   * Returns the history as it would be sent next, system prompt first.
   *
   * @return a copy of the messages
   */
  List<ChatMessage> history();

  /**
   * Returns the tokens used by this session's calls.
   *
   * @return the summed usage
   */
  TokenUsage usage();

  /** Forgets the history except the system prompt. */
  void clear();
}
