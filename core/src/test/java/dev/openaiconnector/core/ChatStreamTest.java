package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.testing.HandFedStreams;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ChatStreamTest {
  private static final String MODEL = "gpt-4o-mini";
  private static final ChatRequest HELLO =
      ChatRequest.builder().model(MODEL).user("Say hello to Alice").build();
  private static final TokenUsage USAGE = TokenUsage.of(9, 4);

  private final FakeProvider fake = FakeProvider.create();
  private final List<UsageEvent> events = new CopyOnWriteArrayList<>();
  private final Connector connector =
      Connectors.builder().provider(fake).usageListener(events::add).build();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void streamsTheDeltasInOrderAndAssemblesWhatAPlainCallReturns() {
    fake.streams().enqueueText("Hello, Alice", 4);
    fake.chat().enqueueText("Hello, Alice");

    List<String> texts = new ArrayList<>();
    ChatResponse streamed;
    try (ChatStream stream = connector.stream(HELLO)) {
      for (ChatDelta delta : stream) {
        texts.add(delta.text());
      }
      streamed = stream.response();
    }
    ChatResponse plain = connector.chat(HELLO);

    assertThat(texts).containsExactly("Hell", "o, A", "lice", "", "");
    assertThat(streamed.choices()).isEqualTo(plain.choices());
    assertThat(streamed.usage()).isEqualTo(plain.usage());
    assertThat(fake.streams().requests()).containsExactly(HELLO);
  }

  @Test
  void responseCarriesTheIdsTheStreamReported() {
    fake.streams().enqueueText("Hi", 1);

    try (ChatStream stream = connector.stream(HELLO)) {
      ChatResponse response = stream.response();

      assertThat(response.id()).isEqualTo("chatcmpl-fake-stream-1");
      assertThat(response.model()).isEqualTo(MODEL);
      assertThat(response.requestId()).contains("req_fake_stream_1");
    }
  }

  @Test
  void responseReadsWhatIsLeftOfTheStreamAndIsIdempotent() {
    fake.streams().enqueueText("Hello, Alice", 3);

    try (ChatStream stream = connector.stream(HELLO)) {
      Iterator<ChatDelta> deltas = stream.iterator();
      assertThat(deltas.next().text()).isEqualTo("Hel");

      ChatResponse first = stream.response();

      assertThat(first.content()).isEqualTo("Hello, Alice");
      assertThat(stream.response()).isSameAs(first);
      assertThat(deltas.hasNext()).isFalse();
    }
    assertThat(events).hasSize(1);
  }

  @Test
  void iteratesOnlyOnce() {
    fake.streams().enqueueText("Hi", 1);

    try (ChatStream stream = connector.stream(HELLO)) {
      stream.iterator();

      assertThatThrownBy(stream::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("iterated once");
    }
  }

  @Test
  void countsTheUsageOnceAsAStreamedCall() {
    fake.streams().enqueue(answer("Hi", USAGE));

    try (ChatStream stream = connector.stream(HELLO)) {
      stream.forEach(delta -> {});
      stream.response();
      stream.response();
    }

    assertThat(connector.usage().snapshot().entries())
        .containsExactly(new UsageSnapshot.Entry("fake", MODEL, Operation.CHAT_STREAM, 1, USAGE));
    assertThat(events)
        .containsExactly(
            new UsageEvent("fake", MODEL, Operation.CHAT_STREAM, USAGE, null, "req_fake_stream_1"));
  }

  @Test
  void assemblesEveryChoiceOfARequestForSeveral() {
    fake.streams()
        .enqueue(
            List.of(
                delta(0, "Hello", null),
                delta(1, "Hi", null),
                delta(1, null, FinishReason.STOP),
                delta(0, null, FinishReason.STOP),
                new ChatDelta(0, null, null, List.of(), null, USAGE)));

    try (ChatStream stream = connector.stream(HELLO.toBuilder().n(2).build())) {
      assertThat(stream.response().choices())
          .containsExactly(
              new Choice(0, AssistantMessage.of("Hello"), FinishReason.STOP),
              new Choice(1, AssistantMessage.of("Hi"), FinishReason.STOP));
    }
  }

  @Test
  void rejectsAProviderThatCannotStreamBeforeOpeningAnything() {
    FakeProvider plain = FakeProvider.withCapabilities("plain", EnumSet.of(Capability.CHAT));
    plain.streams().enqueueText("never", 1);

    try (Connector withoutStreams = Connectors.builder().provider(plain).build()) {
      assertThatThrownBy(() -> withoutStreams.stream(HELLO))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("CHAT_STREAMING")
          .hasMessageContaining("chat(...)");
    }
    assertThat(plain.streams().requests()).isEmpty();
    assertThat(plain.streams().openedCount()).isZero();
  }

  @Test
  void rejectsAProviderThatDeclaresStreamingButHasNoStreamPort() {
    try (Connector half = Connectors.builder().provider(new DeclaresStreamingOnly()).build()) {
      assertThatThrownBy(() -> half.stream(HELLO))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("chatStream() is empty");
    }
  }

  @Test
  void appliesTheCapabilityChecksOfPlainCallsBeforeOpening() {
    FakeProvider noJson =
        FakeProvider.withCapabilities(
            "no-json", EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING));

    ChatRequest json =
        ChatRequest.builder()
            .model(MODEL)
            .system("Answer in JSON.")
            .user("List three colours")
            .responseFormat(ResponseFormat.jsonObject())
            .build();

    try (Connector strict = Connectors.builder().provider(noJson).build()) {
      assertThatThrownBy(() -> strict.stream(json))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("JSON_MODE");
    }
    assertThat(noJson.streams().openedCount()).isZero();
  }

  @Test
  void aFailureToOpenReachesTheCallerWhenRetriesAreOff() {
    RateLimitException limited =
        new RateLimitException("slow down", ErrorDetails.ofProvider("fake"), null);
    fake.streams().enqueueOpenFailure(limited).enqueueText("second attempt", 4);

    assertThatThrownBy(() -> connector.stream(HELLO.toBuilder().maxRetries(0).build()))
        .isSameAs(limited);

    assertThat(fake.streams().requests()).hasSize(1);
    assertThat(connector.usage().snapshot().calls()).isZero();
  }

  @Test
  void aFailureAfterSomeDeltasReachesTheReaderAndTheSourceIsClosed() {
    ServerException broken = new ServerException("gone", ErrorDetails.ofProvider("fake"), null);
    fake.streams()
        .enqueueFailureAfter(List.of(delta(0, "Hel", null), delta(0, "lo", null)), broken);

    ChatStream stream = connector.stream(HELLO);
    Iterator<ChatDelta> deltas = stream.iterator();
    assertThat(deltas.next().text()).isEqualTo("Hel");
    assertThat(deltas.next().text()).isEqualTo("lo");

    assertThatThrownBy(deltas::hasNext).isSameAs(broken);
    assertThatThrownBy(deltas::next).isSameAs(broken);
    assertThatThrownBy(stream::response).isSameAs(broken);
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
    assertThat(connector.usage().snapshot().calls()).isZero();
    assertThat(events).isEmpty();
  }

  @Test
  void closingMidIterationEndsItWithStreamCancelledAndClosesTheSource() {
    fake.streams().enqueueText("Hello, Alice", 1);

    ChatStream stream = connector.stream(HELLO);
    Iterator<ChatDelta> deltas = stream.iterator();
    deltas.next();
    deltas.next();
    stream.close();

    assertThatThrownBy(deltas::hasNext).isInstanceOf(StreamCancelledException.class);
    assertThatThrownBy(stream::response)
        .isInstanceOf(StreamCancelledException.class)
        .hasMessageContaining("closed before it ended");
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
    assertThat(connector.usage().snapshot().calls()).isZero();
  }

  @Test
  void aStreamClosedBeforeReadingIsCancelledAndItsSourceClosed() {
    fake.streams().enqueueText("Hi", 1);

    ChatStream stream = connector.stream(HELLO);
    stream.close();
    stream.close();

    assertThatThrownBy(() -> stream.iterator().hasNext())
        .isInstanceOf(StreamCancelledException.class);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void closingAfterTheEndKeepsTheResponse() {
    fake.streams().enqueueText("Hi", 1);

    ChatStream stream = connector.stream(HELLO);
    Iterator<ChatDelta> deltas = stream.iterator();
    while (deltas.hasNext()) {
      deltas.next();
    }
    stream.close();

    assertThat(deltas.hasNext()).isFalse();
    assertThat(stream.response().content()).isEqualTo("Hi");
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void closeFromAnotherThreadWakesAReaderWaitingForTheNextDelta() throws Exception {
    HandFedStreams provider = new HandFedStreams();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (Connector handFed = Connectors.builder().provider(provider).build()) {
      ChatStream stream = handFed.stream(HELLO);
      HandFedStreams.Source source = provider.awaitOpened();
      source.feed(ChatDelta.ofContent("Hel"));
      List<String> read = new CopyOnWriteArrayList<>();
      Future<?> reading =
          reader.submit(
              () -> {
                for (ChatDelta delta : stream) {
                  read.add(delta.text());
                }
              });
      source.awaitReader();
      source.awaitReader();

      stream.close();

      assertThatThrownBy(() -> reading.get(HandFedStreams.WAIT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StreamCancelledException.class);
      assertThat(read).containsExactly("Hel");
      assertThat(source.isClosed()).isTrue();
      // The source answered the close with an end, which must not pass for a whole answer.
      assertThatThrownBy(stream::response).isInstanceOf(StreamCancelledException.class);
      assertThat(handFed.usage().snapshot().calls()).isZero();
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void closingTheConnectorClosesTheStreamsStillOpen() {
    fake.streams().enqueueText("Hello, Alice", 1);
    ChatStream stream = connector.stream(HELLO);
    Iterator<ChatDelta> deltas = stream.iterator();
    deltas.next();

    connector.close();

    assertThatThrownBy(deltas::hasNext).isInstanceOf(StreamCancelledException.class);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
    assertThat(fake.isClosed()).isTrue();
    assertThatThrownBy(() -> connector.stream(HELLO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void logsEachStreamAtDebugWithoutItsContent() {
    fake.streams().enqueueText("Hello, Alice", 4);

    try (ChatStream stream = connector.stream(HELLO)) {
      stream.response();
    }

    assertThat(LogCapture.events(Level.DEBUG))
        .extracting(LogCapture.LoggedEvent::message)
        .anySatisfy(
            message ->
                assertThat(message)
                    .startsWith("CHAT_STREAM model=gpt-4o-mini provider=fake outcome=ok latency=")
                    .contains(" firstDelta=")
                    .endsWith("requestId=req_fake_stream_1 retries=0"));
    assertThat(LogCapture.events())
        .extracting(LogCapture.LoggedEvent::fullText)
        .noneMatch(text -> text.contains("Alice") || text.contains("Hell"));
  }

  @Test
  void countsAStreamWithoutUsageAsZeroAndWarnsOncePerConnector() {
    fake.streams()
        .enqueue(List.of(delta(0, "Hi", FinishReason.STOP)))
        .enqueue(List.of(delta(0, "Hi again", FinishReason.STOP)));

    ChatResponse first;
    try (ChatStream stream = connector.stream(HELLO)) {
      first = stream.response();
    }
    try (ChatStream stream = connector.stream(HELLO)) {
      stream.response();
    }

    assertThat(first.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(connector.usage().snapshot().calls()).isEqualTo(2);
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .singleElement()
        .satisfies(
            message ->
                assertThat(message)
                    .contains("'fake' ended a stream (model gpt-4o-mini) without usage"));
  }

  @Test
  void aChoiceWithoutFinishReasonEndsAsUnknownAndIsReported() {
    fake.streams().enqueue(List.of(delta(0, "Hi", null), usage(USAGE)));

    try (ChatStream stream = connector.stream(HELLO)) {
      assertThat(stream.response().finishReason().value()).isEqualTo("unknown");
    }
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .singleElement()
        .satisfies(message -> assertThat(message).contains("without a finish reason"));
  }

  private static List<ChatDelta> answer(String text, TokenUsage usage) {
    return List.of(delta(0, text, null), delta(0, null, FinishReason.STOP), usage(usage));
  }

  private static ChatDelta delta(
      int choice, @Nullable String content, @Nullable FinishReason finishReason) {
    return new ChatDelta(choice, content, null, List.of(), finishReason, null);
  }

  private static ChatDelta usage(TokenUsage usage) {
    return new ChatDelta(0, null, null, List.of(), null, usage);
  }

  /** Declares streaming but has no port: a provider bug the connector must report. */
  private static final class DeclaresStreamingOnly implements Provider {
    @Override
    public String id() {
      return "half";
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING);
    }

    @Override
    public ChatPort chat() {
      return (request, deadline) -> {
        throw new AssertionError("not called");
      };
    }

    @Override
    public void close() {}
  }
}
