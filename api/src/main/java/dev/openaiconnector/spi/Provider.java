package dev.openaiconnector.spi;

import java.util.Optional;
import java.util.Set;

/**
 * A configured connection to one provider, exposing one port per operation.
 *
 * <p>Created once by a {@link ProviderFactory} (or by the application, for an explicit instance)
 * and owned by the connector, which calls {@link #close()} when it is closed. Implementations
 * must be thread-safe.
 *
 * <p>Ports beyond chat are methods that return an {@code Optional} port, empty by default, so that
 * a provider offers only what it declares and later operations can be added without breaking
 * existing providers.
 */
public interface Provider extends AutoCloseable {
  /**
   * Returns the provider's id, the same as its factory's.
   *
   * @return the id, for example {@code openai}
   */
  String id();

  /**
   * Returns what this provider can do. The core rejects requests that need anything else.
   *
   * @return the capabilities; contains {@link Capability#CHAT} when {@link #chat()} works
   */
  Set<Capability> capabilities();

  /**
   * Returns the chat completion port.
   *
   * @return the port, never null
   */
  ChatPort chat();

  /**
   * Returns the streamed chat completion port, for providers that declare {@link
   * Capability#CHAT_STREAMING}.
   *
   * @return the port, or empty when the provider cannot stream
   */
  default Optional<ChatStreamPort> chatStream() {
    return Optional.empty();
  }

  /**
   * Returns the embeddings port, for providers that declare {@link Capability#EMBEDDINGS}.
   *
   * @return the port, or empty when the provider cannot embed
   */
  default Optional<EmbeddingsPort> embeddings() {
    return Optional.empty();
  }

  /**
   * Returns the image generation port, for providers that declare {@link
   * Capability#IMAGE_GENERATION}.
   *
   * @return the port, or empty when the provider cannot generate images
   */
  default Optional<ImagesPort> images() {
    return Optional.empty();
  }

  /** Releases connections and threads. Called once, by the connector that owns the provider. */
  @Override
  void close();
}
