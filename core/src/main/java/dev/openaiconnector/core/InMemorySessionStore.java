package dev.openaiconnector.core;

import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.SessionStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SessionStore} that keeps histories in memory, the default of a connector built without
 * {@code sessionStore(...)}. Histories live as long as the store and are lost with the process.
 *
 * <p>Thread-safe. It keeps immutable copies, so a caller that changes a list after {@link #save}
 * does not change the stored history.
 */
public final class InMemorySessionStore implements SessionStore {
  private final Map<String, List<ChatMessage>> histories = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemorySessionStore() {}

  @Override
  public List<ChatMessage> load(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return histories.getOrDefault(sessionId, List.of());
  }

  @Override
  public void save(String sessionId, List<ChatMessage> history) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(history, "history");
    histories.put(sessionId, List.copyOf(history));
  }

  @Override
  public void delete(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    histories.remove(sessionId);
  }

  // Ids and sizes only: histories hold prompts, which must not reach logs.
  @Override
  public String toString() {
    return "InMemorySessionStore[sessions=" + histories.size() + "]";
  }
}
