package dev.openaiconnector.api;

import java.util.List;

/**
 * Where chat sessions keep their history, so that a conversation outlives the process or moves
 * between instances. The core has an in-memory default; implement this over a database to
 * persist sessions.
 *
 * <p>Implementations must be thread-safe. The core calls {@link #load} when a session is opened
 * and {@link #save} after every completed exchange, with the whole history as it then stands.
 */
public interface SessionStore {
  /**
   * Returns a session's history.
   *
   * @param sessionId the session id
   * @return the messages, oldest first; empty for an unknown session
   */
  List<ChatMessage> load(String sessionId);

  /**
   * Replaces a session's history.
   *
   * @param sessionId the session id
   * @param history the messages, oldest first
   */
  void save(String sessionId, List<ChatMessage> history);

  /**
   * Forgets a session.
   *
   * @param sessionId the session id; unknown ids are ignored
   */
  void delete(String sessionId);
}
