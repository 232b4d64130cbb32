package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolRound;
import dev.openaiconnector.api.UserMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * A chat session whose memory is bounded by a {@link MemoryWindow} and kept in a {@link
 * SessionStore}.
 *
 * <p>Sends and streams are serialized by one turn per session (a one-permit semaphore), so each
 * exchange is recorded whole and in order. An exchange is the user message, every round of the
 * tool loop (the assistant's tool calls and their results) and the answer; the {@link
 * MemoryWindow} evicts it as one. The history is replaced, never changed in place, so {@link
 * #history()} and {@link #usage()} never wait for a call in flight.
 *
 * <p>A send holds the turn for its whole call. A stream takes it when it opens and holds it until
 * it ends: read to its end (the exchange then joins the history and the store), failed, or closed,
 * from any thread, also when it was never read (the history then stays as it was). A semaphore,
 * not a lock, because the thread that ends a stream need not be the one that opened it. Meanwhile
 * other threads' sends and streams wait; the thread that holds the turn (a send's tool, or the
 * opener of a stream still open) gets an {@link IllegalStateException} rather than waiting for
 * itself forever. A stream that is neither read to its end nor closed keeps the session waiting:
 * use try-with-resources.
 */
final class BoundedChatSession implements ChatSession, SessionUsage {
  private final ProviderConnector connector;
  private final SessionStore store;
  private final SessionSpec spec;
  private final String id;
  private final @Nullable SystemMessage system;
  private final MemoryWindow window;
  private final Semaphore turn = new Semaphore(1);
  private volatile @Nullable Thread turnHolder;

  // Written by the turn's holder only; immutable lists without the system prompt.
  private volatile List<ChatMessage> remembered;
  // Written by add(), once per successful model call of the session.
  private volatile TokenUsage usage = TokenUsage.ZERO;

  private BoundedChatSession(
      ProviderConnector connector,
      SessionStore store,
      SessionSpec spec,
      String id,
      @Nullable SystemMessage system,
      List<ChatMessage> remembered) {
    this.connector = connector;
    this.store = store;
    this.spec = spec;
    this.id = id;
    this.system = system;
    this.window =
        new MemoryWindow(
            spec.maxMessages(),
            spec.maxMemoryTokens(),
            system == null ? 0 : TokenEstimator.estimate(system));
    this.remembered = window.fit(remembered, lastUserMessage(remembered));
  }

  /**
   * Opens a session: resumes the stored history when the spec names an id, else starts afresh under
   * a random id.
   *
   * @param connector the connector whose chat path the session uses
   * @param spec the model, system prompt, limits and request options
   * @param store where the history is kept
   * @return the session
   */
  static BoundedChatSession open(
      ProviderConnector connector, SessionSpec spec, SessionStore store) {
    String id = spec.id().orElse(null);
    List<ChatMessage> stored = List.of();
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else {
      stored = Objects.requireNonNull(store.load(id), "SessionStore.load returned null");
    }
    // The spec's system prompt wins over a stored one, so that resuming with new instructions
    // works; without one in the spec, the stored prompt carries on.
    SystemMessage system = spec.system().map(SystemMessage::new).orElse(null);
    int first = 0;
    if (!stored.isEmpty() && stored.get(0) instanceof SystemMessage) {
      if (system == null) {
        system = (SystemMessage) stored.get(0);
      }
      first = 1;
    }
    return new BoundedChatSession(
        connector, store, spec, id, system, stored.subList(first, stored.size()));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ChatResponse send(String text) {
    Objects.requireNonNull(text, "text");
    return send(UserMessage.of(text));
  }

  @Override
  public ChatResponse send(UserMessage message) {
    Objects.requireNonNull(message, "message");
    takeTurn();
    try {
      List<ChatMessage> sent = toSend(message);
      ChatResponse response = connector.chatForSession(request(sent), this);
      record(sent, response);
      return response;
    } finally {
      releaseTurn();
    }
  }

  @Override
  public ChatStream stream(String text) {
    Objects.requireNonNull(text, "text");
    return stream(UserMessage.of(text));
  }

  @Override
  public ChatStream stream(UserMessage message) {
    Objects.requireNonNull(message, "message");
    takeTurn();
    List<ChatMessage> sent;
    ChatRequest request;
    try {
      sent = toSend(message);
      request = request(sent);
    } catch (RuntimeException | Error e) {
      releaseTurn();
      throw e;
    }
    // From here the connector ends the completion exactly once, which gives the turn back.
    return connector.streamForSession(
        request,
        this,
        new StreamCompletion() {
          @Override
          public void succeeded(ChatResponse response) {
            record(sent, response);
          }

          @Override
          public void ended() {
            releaseTurn();
          }
        });
  }

  // The remembered history plus the new message, fitted to the window; the new message is kept.
  private List<ChatMessage> toSend(UserMessage message) {
    List<ChatMessage> candidate = new ArrayList<>(remembered.size() + 1);
    candidate.addAll(remembered);
    candidate.add(message);
    return window.fit(candidate, candidate.size() - 1);
  }

  private ChatRequest request(List<ChatMessage> sent) {
    ChatRequest.Builder request = ChatRequest.builder();
    spec.applyRequestOptions(request);
    return request.model(spec.model()).messages(withSystem(sent)).build();
  }

  // Called with the turn held, once the answer is complete.
  private void record(List<ChatMessage> sent, ChatResponse response) {
    AssistantMessage answer = response.choices().get(0).message();
    List<ChatMessage> next = new ArrayList<>(sent.size() + 1);
    next.addAll(sent);
    // Every round of the tool loop belongs to this exchange, in the order it was sent: the
    // next request shows the model which calls it made and what they returned.
    for (ToolRound round : response.toolRounds()) {
      next.add(round.request());
      next.addAll(round.results());
    }
    next.add(answer);
    next = window.fit(next, sent.size() - 1);
    // Saved before it is remembered: if the store fails, the caller sees a failed send and
    // the session's history agrees with the store's.
    store.save(id, withSystem(next));
    remembered = next;
  }

  private void takeTurn() {
    if (turnHolder == Thread.currentThread()) {
      throw new IllegalStateException(
          "session "
              + id
              + " is busy on this very thread: a stream of it is still open (read it to its end"
              + " or close it first), or a tool called the session it runs for; waiting would"
              + " never end");
    }
    turn.acquireUninterruptibly();
    turnHolder = Thread.currentThread();
  }

  private void releaseTurn() {
    turnHolder = null;
    turn.release();
  }

  @Override
  public List<ChatMessage> history() {
    return withSystem(remembered);
  }

  @Override
  public TokenUsage usage() {
    return usage;
  }

  @Override
  public String sessionId() {
    return id;
  }

  // Each model call as it succeeds, so that the rounds of a loop that fails later still count.
  @Override
  public synchronized void add(TokenUsage tokens) {
    usage = usage.plus(tokens);
  }

  @Override
  public void clear() {
    takeTurn();
    try {
      List<ChatMessage> empty = List.of();
      store.save(id, withSystem(empty));
      remembered = empty;
    } finally {
      releaseTurn();
    }
  }

  // Sizes only: the history holds prompts, which must not reach logs.
  @Override
  public String toString() {
    return "ChatSession[id="
        + id
        + ", model="
        + spec.model()
        + ", messages="
        + remembered.size()
        + (system == null ? "" : " + system prompt")
        + "]";
  }

  private List<ChatMessage> withSystem(List<ChatMessage> messages) {
    if (system == null) {
      return messages;
    }
    List<ChatMessage> all = new ArrayList<>(messages.size() + 1);
    all.add(system);
    all.addAll(messages);
    return Collections.unmodifiableList(all);
  }

  private static int lastUserMessage(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage) {
        return i;
      }
    }
    return messages.size();
  }
}
