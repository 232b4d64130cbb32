package dev.openaiconnector.api;

import java.util.List;

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
   * Sends a chat completion request. When the request has tools, the connector runs the calls
   * the model asks for and sends the results back until the model answers; the response then
   * carries every round ({@link ChatResponse#toolRounds()}) and their summed usage.
   *
   * @param request the request
   * @return the answer
   * @throws ConnectorException for every failure; see the README's error table
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Sends a request whose answer must be an instance of a Java type (structured output): the
   * connector generates a strict JSON Schema from the type (records, enums, lists, nested
   * records; {@link Description} for descriptions), asks for it, and parses the answer.
   *
   * @param request the request; its response format is replaced by the type's schema
   * @param type the type of the answer, usually a record
   * @param <T> the type
   * @return the parsed answer, or the model's refusal
   * @throws StructuredOutputException if the answer does not parse or match the schema
   * @throws ConnectorException for every other failure
   */
  <T> StructuredResponse<T> chat(ChatRequest request, Class<T> type);

  /**
   * Streams a chat completion: the deltas arrive as the model writes them. With tools, each
   * round's deltas stream, the tools run between rounds, and {@link ChatStream#response()} carries
   * every round and the usage of the whole conversation.
   *
   * @param request the request
   * @return the stream, to be closed
   * @throws ConnectorException if the stream cannot be opened
   */
  ChatStream stream(ChatRequest request);

  /**
   * Streams a chat completion to a reactive subscriber. The publisher is cold: each subscription
   * sends the request anew. Cancelling the subscription closes the stream.
   *
   * @param request the request
   * @return the publisher of deltas
   */
  java.util.concurrent.Flow.Publisher<ChatDelta> streamPublisher(ChatRequest request);

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
   * Embeds one text.
   *
   * @param model the embeddings model, for example {@code text-embedding-3-small}
   * @param text the text, not blank
   * @return its vector
   * @throws RequestValidationException if the text is blank, before any call
   * @throws ConnectorException for every other failure
   */
  Embedding embed(String model, String text);

  /**
   * Embeds a list of texts of any length: the connector splits it into requests by input count
   * and an approximate token budget, sends them in parallel within a bound, retries only a batch
   * that failed, and returns the vectors in input order.
   *
   * @param model the embeddings model
   * @param texts the texts, none null or blank
   * @return the vectors, in input order, with the summed usage
   * @throws RequestValidationException naming the index of each null or blank text, before any
   *     call
   * @throws PartialEmbeddingException if some batches failed for good; it keeps the vectors that
   *     were computed
   * @throws ConnectorException if every batch failed, with the first batch's failure
   */
  EmbeddingResponse embedAll(String model, List<String> texts);

  /**
   * Embeds the inputs of a request, with its options (dimensions, user, timeout, retries); see
   * {@link #embedAll(String, List)}.
   *
   * @param request the request
   * @return the vectors, in input order, with the summed usage
   * @throws PartialEmbeddingException if some batches failed for good
   * @throws ConnectorException for every other failure
   */
  EmbeddingResponse embedAll(EmbeddingRequest request);

  /**
   * Generates images.
   *
   * @param request the request, already checked against its model
   * @return the images, as URLs or decoded bytes
   * @throws ConnectorException for every failure
   */
  ImageResponse generateImages(ImageRequest request);

  /**
   * Tests the configuration (the "configuration test"): makes the cheapest valid call for each
   * operation the provider offers and reports, per operation, whether it works or why not, with
   * the latency and the server's message. Chat, streaming and embeddings are checked whenever the
   * provider offers them; image generation only when the application named a model for its check,
   * because every generated image is billed. The models are set in the connector's builder. Costs
   * a few tokens. Expected failures (authentication, permission, not found, network, rate limits)
   * are reported, never thrown; calls are not retried.
   *
   * @return one result per operation checked
   */
  ConnectionCheck checkConnection();

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
