package dev.openaiconnector.core.testing;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A provider with id {@code fake} that offers embeddings and image generation through the given
 * ports, declares what it is told, and has no chat.
 */
public final class EmbeddingsProvider implements Provider {
  private final Set<Capability> capabilities;
  private final @Nullable EmbeddingsPort embeddings;
  private final @Nullable ImagesPort images;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the provider.
   *
   * @param capabilities what it declares
   * @param embeddings its embeddings port, or null for an empty one
   * @param images its images port, or null for an empty one
   */
  public EmbeddingsProvider(
      Set<Capability> capabilities,
      @Nullable EmbeddingsPort embeddings,
      @Nullable ImagesPort images) {
    this.capabilities = Set.copyOf(capabilities);
    this.embeddings = embeddings;
    this.images = images;
  }

  /**
   * A provider that declares both operations and offers both ports.
   *
   * @param embeddings the embeddings port
   * @param images the images port
   * @return the provider
   */
  public static EmbeddingsProvider of(EmbeddingsPort embeddings, ImagesPort images) {
    return new EmbeddingsProvider(
        EnumSet.of(Capability.EMBEDDINGS, Capability.IMAGE_GENERATION), embeddings, images);
  }

  @Override
  public String id() {
    return "fake";
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public ChatPort chat() {
    return (request, deadline) -> {
      throw new AssertionError("this provider has no chat");
    };
  }

  @Override
  public Optional<EmbeddingsPort> embeddings() {
    return Optional.ofNullable(embeddings);
  }

  @Override
  public Optional<ImagesPort> images() {
    return Optional.ofNullable(images);
  }

  /**
   * Tells whether the connector closed the provider.
   *
   * @return true once closed
   */
  public boolean closed() {
    return closed.get();
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
