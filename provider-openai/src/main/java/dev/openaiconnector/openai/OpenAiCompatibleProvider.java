package dev.openaiconnector.openai;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A provider that is an {@link OpenAiCompatible} block configured for one service: its id,
 * capabilities and ports are the block's, so the OpenAI provider, the Azure provider and yours
 * add only their own configuration, accessors and {@code toString()}. Thread-safe.
 */
public abstract class OpenAiCompatibleProvider implements Provider {
  private final OpenAiCompatible compatible;

  /**
   * Creates the provider over a configured block, which it owns and closes.
   *
   * @param compatible the block
   */
  protected OpenAiCompatibleProvider(OpenAiCompatible compatible) {
    this.compatible = Objects.requireNonNull(compatible, "compatible");
  }

  /** Package-private: the OpenAI provider's tests read the block's scheduler through it. */
  OpenAiCompatible compatible() {
    return compatible;
  }

  @Override
  public final String id() {
    return compatible.id();
  }

  @Override
  public final Set<Capability> capabilities() {
    return compatible.capabilities();
  }

  @Override
  public final ChatPort chat() {
    return compatible.chat();
  }

  @Override
  public final Optional<ChatStreamPort> chatStream() {
    return compatible.chatStream();
  }

  @Override
  public final Optional<EmbeddingsPort> embeddings() {
    return compatible.embeddings();
  }

  @Override
  public final Optional<ImagesPort> images() {
    return compatible.images();
  }

  /**
   * Closes the streams still open (their readers get a cancellation), stops the timeout thread,
   * then closes the HTTP client.
   */
  @Override
  public final void close() {
    compatible.close();
  }
}
