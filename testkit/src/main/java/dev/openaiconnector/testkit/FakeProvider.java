package dev.openaiconnector.testkit;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A provider for unit tests: scripted answers, recorded requests, no network.
 *
 * <pre>{@code
 * FakeProvider fake = FakeProvider.create();
 * fake.chat().enqueueText("Paris");                                // script
 * fake.streams().enqueueText("Paris is the capital", 5);           // a streamed answer
 * fake.embeddingsPort().maxInputsPerRequest(100);                  // vectors by default
 * try (Connector ai = Connectors.builder().provider(fake).build()) {
 *   ai.chat(request);                                              // exercise
 * }
 * assertThat(fake.chat().lastRequest().model()).isEqualTo("gpt-4o-mini");   // verify
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FakeProvider implements Provider {
  private final String id;
  private final Set<Capability> capabilities;
  private final FakeChatPort chat = new FakeChatPort();
  private final FakeChatStreamPort chatStream = new FakeChatStreamPort();
  private final FakeEmbeddingsPort embeddings = new FakeEmbeddingsPort();
  private final FakeImagesPort images = new FakeImagesPort();
  private volatile boolean closed;

  private FakeProvider(String id, Set<Capability> capabilities) {
    this.id = id;
    this.capabilities = Set.copyOf(capabilities);
  }

  /**
   * A fake with id {@code fake} and every capability: chat, streaming, embeddings and images.
   *
   * @return the fake
   */
  public static FakeProvider create() {
    return withCapabilities(
        "fake",
        EnumSet.of(
            Capability.CHAT,
            Capability.VISION,
            Capability.JSON_MODE,
            Capability.TOOLS,
            Capability.STRUCTURED_OUTPUT,
            Capability.CHAT_STREAMING,
            Capability.EMBEDDINGS,
            Capability.IMAGE_GENERATION));
  }

  /**
   * A fake with the given id and capabilities, to test how the core treats a provider that
   * lacks one.
   *
   * @param id the provider id
   * @param capabilities what it declares
   * @return the fake
   */
  public static FakeProvider withCapabilities(String id, Set<Capability> capabilities) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(capabilities, "capabilities");
    return new FakeProvider(id, capabilities);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public FakeChatPort chat() {
    return chat;
  }

  /**
   * Returns the scripted stream port, present when the fake declares {@link
   * Capability#CHAT_STREAMING} (as {@link #create()} does).
   *
   * @return the port
   */
  @Override
  public Optional<ChatStreamPort> chatStream() {
    return capabilities.contains(Capability.CHAT_STREAMING)
        ? Optional.of(chatStream)
        : Optional.empty();
  }

  /**
   * Returns the scripted stream port, to script and inspect streams.
   *
   * @return the port, whether or not the fake declares streaming
   */
  public FakeChatStreamPort streams() {
    return chatStream;
  }

  /**
   * Returns the scripted embeddings port, present when the fake declares {@link
   * Capability#EMBEDDINGS} (as {@link #create()} does).
   *
   * @return the port
   */
  @Override
  public Optional<EmbeddingsPort> embeddings() {
    return capabilities.contains(Capability.EMBEDDINGS) ? Optional.of(embeddings) : Optional.empty();
  }

  /**
   * Returns the scripted embeddings port, to script and inspect batches. ({@link #embeddings()}
   * is the SPI's {@code Optional}, which cannot be narrowed to the fake's type.)
   *
   * @return the port, whether or not the fake declares embeddings
   */
  public FakeEmbeddingsPort embeddingsPort() {
    return embeddings;
  }

  /**
   * Returns the scripted image port, present when the fake declares {@link
   * Capability#IMAGE_GENERATION} (as {@link #create()} does).
   *
   * @return the port
   */
  @Override
  public Optional<ImagesPort> images() {
    return capabilities.contains(Capability.IMAGE_GENERATION)
        ? Optional.of(images)
        : Optional.empty();
  }

  /**
   * Returns the scripted image port, to script and inspect requests.
   *
   * @return the port, whether or not the fake declares image generation
   */
  public FakeImagesPort imagesPort() {
    return images;
  }

  /**
   * Tells whether the connector that owned this provider closed it.
   *
   * @return true once {@link #close()} was called
   */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "FakeProvider[" + id + "]";
  }
}
