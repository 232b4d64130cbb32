package dev.openaiconnector.api;

/**
 * The entry point: one per application, shared by every thread, closed at shutdown.
 *
 * <pre>{@code
 * try (Connector ai = Connectors.fromEnvironment()) {
 *   ChatResponse answer = ai.chat(ChatRequest.builder()
 *       .model("gpt-4o-mini").user("Say hello").build());
 *   System.out.println(answer.content());
 * }
 * }</pre>
 *
 * <p>Every call is validated before it leaves the process, counted in {@link #usage()}, and
 * failures arrive as a {@link ConnectorException} subtype.
 */
public interface Connector extends AutoCloseable {
  /**
   * Sends one chat completion request.
   *
   * @param request the request
   * @return the answer
   * @throws ConnectorException for every failure; see the README's error table
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Opens a conversation that keeps its history. With the id of an existing session, the history
   * is loaded from the {@link SessionStore}.
   *
   * @param spec the model, system prompt and memory limits
   * @return the session
   */
  ChatSession session(SessionSpec spec);

  /**
   * Returns the usage counted by this connector.
   *
   * @return the usage tracker
   */
  UsageTracker usage();

  /**
   * Returns the id of the provider this connector talks to.
   *
   * @return the provider id, for example {@code openai}
   */
  String providerId();

  /** Releases the provider's connections and threads. */
  @Override
  void close();
}
