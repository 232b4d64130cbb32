package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeChatStreamPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A stream its application never closes gives its bulkhead place, its connection and its session's
 * turn back once it becomes unreachable, and says so at WARN, once per stream; a stream that was
 * closed, or has nothing left to give back, is given back once and never warned about.
 *
 * <p>The garbage collector decides when an unreachable stream is found, so each test asks for
 * collections and waits up to {@link #WAIT_SECONDS} for the outcome, never for a time.
 */
class UnclosedStreamsTest {
  private static final long WAIT_SECONDS = 10;
  private static final int PLACES = 3;
  private static final String PROMPT = "Say hello";
  private static final String ANSWER = "Hello there, traveller";

  // A model no other test names: the core's log capture is shared by every test of the run.
  private final String model = "leak-check-" + UUID.randomUUID();
  private final FakeProvider fake = streamingFake();
  private final ProviderConnector connector = connect(fake);
  private final ExecutorService other = Executors.newSingleThreadExecutor();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @AfterEach
  void tearDown() {
    other.shutdownNow();
    connector.close();
  }

  @Test
  void unclosedStreamsGiveTheirPlacesAndConnectionsBackOnceUnreachableAndWarnOnceEach()
      throws Exception {
    openWithoutClosing(PLACES);
    assertThat(connector.calls().freePlaces()).isZero();
    assertThatThrownBy(() -> connector.stream(request()))
        .as("a stream while %d unclosed streams hold every place", PLACES)
        .isInstanceOf(BulkheadFullException.class);

    awaitCollection(
        () -> connector.calls().freePlaces() == PLACES && leakWarnings().size() == PLACES,
        () ->
            PLACES
                + " unclosed, unreachable streams were not given back: free places "
                + connector.calls().freePlaces()
                + " of "
                + PLACES
                + ", leak warnings "
                + leakWarnings().size());

    assertThat(fake.streams().closedCount())
        .as("provider streams closed")
        .isEqualTo(fake.streams().openedCount())
        .isEqualTo(PLACES);
    assertThat(leakWarnings())
        .hasSize(PLACES)
        .allSatisfy(
            message ->
                assertThat(message)
                    .contains("ChatStream", "was not closed", "model " + model, "CHAT_STREAM")
                    .contains("place in the connector's bulkhead was given back")
                    .contains("try-with-resources")
                    .doesNotContain("session"));
    assertThat(LogCapture.events())
        .extracting(LogCapture.LoggedEvent::fullText)
        .noneMatch(text -> text.contains(PROMPT) || text.contains("Hell") || text.contains("trav"));
    assertEveryPlaceUsableOnce();
  }

  @Test
  void closedOrFinishedStreamsAreGivenBackOnceAndNotWarnedAbout() throws Exception {
    FakeProvider closing = streamingFake();
    ProviderConnector closedConnector = connect(closing);
    List<WeakReference<ChatStream>> streams = new ArrayList<>();
    streams.addAll(closeFinishAndLeakOneEach());
    streams.add(openAndCloseItsConnector(closedConnector));
    assertThat(connector.calls().freePlaces()).as("the leaked stream's place").isEqualTo(PLACES - 1);

    awaitCollection(
        () ->
            streams.stream().allMatch(stream -> stream.get() == null)
                && !leakWarnings().isEmpty()
                && connector.calls().freePlaces() == PLACES,
        () ->
            "the streams were not collected, or the unclosed one not given back: free places "
                + connector.calls().freePlaces()
                + " of "
                + PLACES
                + ", leak warnings "
                + leakWarnings().size());
    // Room for a second release, were one registered: it would come on the cleaner's thread soon
    // after the collection that found the streams.
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(100);
    }

    assertThat(leakWarnings()).as("only the stream left open is warned about").hasSize(1);
    assertThat(connector.calls().freePlaces()).isEqualTo(PLACES);
    assertThat(closedConnector.calls().freePlaces()).isEqualTo(PLACES);
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount());
    assertThat(closing.streams().closedCount()).isEqualTo(closing.streams().openedCount());
    assertEveryPlaceUsableOnce();
  }

  @Test
  void anUnclosedSessionStreamGivesTheSessionsTurnBack() throws Exception {
    ChatSession session = connector.session(SessionSpec.builder().model(model).build());
    streamWithoutClosing(session);

    awaitCollection(
        () -> connector.calls().freePlaces() == PLACES && leakWarnings().size() == 1,
        () ->
            "an unclosed, unreachable session stream was not given back: free places "
                + connector.calls().freePlaces()
                + " of "
                + PLACES
                + ", leak warnings "
                + leakWarnings().size());

    // Another thread, so that a turn never given back fails the test instead of hanging it.
    Future<ChatResponse> next = other.submit(() -> session.send("And now?"));
    assertThat(next.get(WAIT_SECONDS, TimeUnit.SECONDS).content()).isEqualTo("Hi");
    assertThat(session.history()).hasSize(2);
    assertThat(leakWarnings()).singleElement().asString().contains("session");
  }

  // Each stream is read a little, as an application that gave up half-way would, and dropped.
  private void openWithoutClosing(int count) {
    for (int i = 0; i < count; i++) {
      ChatStream stream = connector.stream(request());
      assertThat(stream.iterator().next().content()).isEqualTo("Hell");
    }
  }

  private void streamWithoutClosing(ChatSession session) {
    ChatStream stream = session.stream(PROMPT);
    assertThat(stream.iterator().next().content()).isEqualTo("Hell");
  }

  // One stream closed, one closed twice, one read to its end and dropped, one dropped half-read.
  private List<WeakReference<ChatStream>> closeFinishAndLeakOneEach() {
    ChatStream closed = connector.stream(request());
    closed.iterator().next();
    closed.close();
    ChatStream closedTwice = connector.stream(request());
    closedTwice.close();
    closedTwice.close();
    ChatStream finished = connector.stream(request());
    assertThat(finished.response().content()).isEqualTo(ANSWER);
    ChatStream leaked = connector.stream(request());
    leaked.iterator().next();
    return List.of(
        new WeakReference<>(closed),
        new WeakReference<>(closedTwice),
        new WeakReference<>(finished),
        new WeakReference<>(leaked));
  }

  private WeakReference<ChatStream> openAndCloseItsConnector(ProviderConnector target) {
    ChatStream stream = target.stream(request());
    stream.iterator().next();
    target.close();
    return new WeakReference<>(stream);
  }

  // Every place can be taken once, and no more: nothing leaked and nothing given back twice.
  private void assertEveryPlaceUsableOnce() {
    List<ChatStream> held = new ArrayList<>();
    try {
      for (int i = 0; i < PLACES; i++) {
        held.add(connector.stream(request()));
      }
      assertThat(connector.calls().freePlaces()).isZero();
      assertThatThrownBy(() -> connector.stream(request()))
          .as("one stream more than the bulkhead's places")
          .isInstanceOf(BulkheadFullException.class);
    } finally {
      held.forEach(ChatStream::close);
    }
    assertThat(connector.calls().freePlaces()).isEqualTo(PLACES);
  }

  private List<String> leakWarnings() {
    List<String> warnings = new ArrayList<>();
    for (LogCapture.LoggedEvent event : LogCapture.events(Level.WARN)) {
      if (event.message().contains(model) && event.message().contains("was not closed")) {
        warnings.add(event.message());
      }
    }
    return warnings;
  }

  private static void awaitCollection(BooleanSupplier done, Supplier<String> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("After " + WAIT_SECONDS + " s of garbage collections, " + failure.get());
      }
      System.gc();
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private ChatRequest request() {
    return ChatRequest.builder().model(model).user(PROMPT).maxRetries(0).build();
  }

  private static FakeProvider streamingFake() {
    FakeProvider provider =
        FakeProvider.withCapabilities(
            "fake", EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING));
    provider.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hi"));
    provider.streams().answerWith(request -> FakeChatStreamPort.textDeltas(request, ANSWER, 4));
    return provider;
  }

  private static ProviderConnector connect(FakeProvider provider) {
    return (ProviderConnector)
        Connectors.builder()
            .provider(provider)
            .resilience(
                ResilienceOptions.builder()
                    .maxConcurrentCalls(PLACES)
                    .maxBulkheadWait(Duration.ZERO)
                    .build())
            .build();
  }
}
