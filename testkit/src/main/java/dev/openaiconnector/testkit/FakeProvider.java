package dev.openaiconnector.testkit;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.spi.Provider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A provider for unit tests: scripted answers, recorded requests, no network.
 *
 * <pre>{@code
 * FakeProvider fake = FakeProvider.create();
 * fake.chat().enqueueToolCall("get_weather", "{\"city\":\"Paris\"}")      // script
 *     .enqueueText("It is sunny in Paris.");
 * try (Connector ai = Connectors.builder().provider(fake).build()) {
 *   ai.chat(request);                                              // exercise
 * }
 * FakeAssertions.assertThat(fake)                                  // verify
 *     .receivedUserMessage("What is the weather in Paris?")
 *     .receivedToolResult("get_weather", "{\"temperature\":21}")
 *     .usedModel("gpt-4o-mini");
 * }</pre>
 *
 * <p>Unscripted, every port answers deterministically, the same as {@link FakeOpenAiServer}: a chat
 * calls the offered tools with sample arguments, then echoes their results ({@code Echo: tool
 * results: ...}), else echoes the last user message ({@code Echo: <text>}) or answers a sample of
 * the {@code json_schema} format; streams play the same answers a word at a time; embeddings are
 * bag-of-words vectors ({@link FakeEmbeddingsPort#vector}) and images a tiny PNG. So a test of the
 * happy path needs no script.
 *
 * <p>Scripted answers come first, in order. Once a test scripts a chat or stream port, it must
 * script every call that port gets (or set {@code answerWith}): a call past the end of the script
 * fails with an {@link AssertionError} that names the port, what was scripted and the request, as
 * an extra model round is usually a bug in the code under test. The embeddings and image ports
 * fall back to their default answers after their script, as their scripts are mostly faults in
 * front of normal answers. A {@link #strict()} fake answers nothing unscripted. Every unexpected
 * call is also kept in {@link #unexpectedCalls()}, for code under test that swallows the error.
 *
 * <p>Thread-safe.
 */
public final class FakeProvider implements Provider {
  private final String id;
  private final Set<Capability> capabilities;
  private final Shared shared;
  private final FakeChatPort chat;
  private final FakeChatStreamPort chatStream;
  private final FakeEmbeddingsPort embeddings;
  private final FakeImagesPort images;
  private volatile boolean closed;

  private FakeProvider(String id, Set<Capability> capabilities) {
    this.id = id;
    this.capabilities = Set.copyOf(capabilities);
    this.shared = new Shared(id, toString());
    this.chat = new FakeChatPort(shared);
    this.chatStream = new FakeChatStreamPort(shared);
    this.embeddings = new FakeEmbeddingsPort(shared);
    this.images = new FakeImagesPort(shared);
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
   * Makes every port answer only what is scripted: an unscripted call (nothing queued and no
   * {@code answerWith}) fails with an {@link AssertionError} instead of getting the default
   * answer. For tests that must prove exactly which calls were made.
   *
   * @return this fake
   */
  public FakeProvider strict() {
    shared.strict = true;
    return this;
  }

  /**
   * Returns a description of every unexpected call the ports refused (a call past the end of a
   * script, an unscripted call to a {@link #strict()} fake), oldest first: each one also failed
   * with an {@link AssertionError}, which the code under test may have swallowed.
   *
   * @return a copy of the descriptions
   */
  public List<String> unexpectedCalls() {
    synchronized (shared.unexpected) {
      return List.copyOf(shared.unexpected);
    }
  }

  /**
   * Forgets what every port recorded and what is left of their scripts, and the unexpected calls;
   * keeps each port's {@code answerWith}, latency and limits, and {@link #strict()}. The JUnit
   * extension calls this before each test.
   */
  public void reset() {
    chat.script().reset();
    chatStream.reset();
    embeddings.script().reset();
    images.script().reset();
    synchronized (shared.unexpected) {
      shared.unexpected.clear();
    }
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

  /** What the ports share: the provider's id and name, strictness, the unexpected calls. */
  static final class Shared {
    private final String id;
    private final String name;
    private final List<String> unexpected = new ArrayList<>();
    private volatile boolean strict;

    Shared(String id, String name) {
      this.id = id;
      this.name = name;
    }

    String id() {
      return id;
    }

    String name() {
      return name;
    }

    boolean strict() {
      return strict;
    }

    void unexpectedCall(String description) {
      synchronized (unexpected) {
        unexpected.add(description);
      }
    }
  }
}
