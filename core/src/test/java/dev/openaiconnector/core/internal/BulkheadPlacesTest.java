package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.testing.InstrumentedProvider;
import dev.openaiconnector.core.testing.ToolFixtures;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeChatStreamPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way a call or stream can end gives its bulkhead place back exactly once: with one place,
 * the next call gets it, and a call made while a stream is open is still refused.
 */
class BulkheadPlacesTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello").maxRetries(0).build();
  private static final ResilienceOptions ONE_PLACE =
      ResilienceOptions.builder().maxConcurrentCalls(1).maxBulkheadWait(Duration.ZERO).build();

  /** A first round that asks for the weather tool, as a model streams it. */
  private static final List<ChatDelta> CALLS_WEATHER =
      List.of(
          new ChatDelta(
              0,
              null,
              null,
              List.of(new ToolCallDelta(0, "call_a", "get_weather", "{\"city\":\"Paris\"}")),
              null,
              null),
          new ChatDelta(0, null, null, List.of(), FinishReason.TOOL_CALLS, null),
          new ChatDelta(0, null, null, List.of(), null, TokenUsage.of(20, 5)));

  private final FakeProvider fake =
      FakeProvider.withCapabilities(
          "fake", EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING, Capability.TOOLS));
  private final InstrumentedProvider provider = new InstrumentedProvider(fake);
  private final ExecutorService reader = Executors.newSingleThreadExecutor();
  private final AtomicInteger placesFreeDuringTool = new AtomicInteger(-1);
  private ProviderConnector connector = connect(provider);

  BulkheadPlacesTest() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hi"));
    fake.streams()
        .answerWith(request -> FakeChatStreamPort.textDeltas(request, "Hello there", 4));
  }

  @AfterEach
  void tearDown() {
    reader.shutdownNow();
    connector.close();
  }

  @Test
  void everyWayACallOrStreamEndsGivesItsPlaceBackOnce() throws Exception {
    assertOnePlaceFree("nothing");

    fake.chat().enqueueFailure(down());
    assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(ServerException.class);
    assertOnePlaceFree("a plain call that failed");

    fake.streams().enqueueOpenFailure(down());
    assertThatThrownBy(() -> connector.stream(HELLO)).isInstanceOf(ServerException.class);
    assertOnePlaceFree("a stream that failed to open");

    fake.streams().enqueueFailureAfter(List.of(ChatDelta.ofContent("Hel")), down());
    ChatStream failing = connector.stream(HELLO);
    assertThatThrownBy(failing::response).isInstanceOf(ServerException.class);
    assertOnePlaceFree("a stream whose source failed mid-way");
    failing.close();
    assertOnePlaceFree("closing that stream after its failure");

    ChatStream early = connector.stream(HELLO);
    Iterator<ChatDelta> deltas = early.iterator();
    assertThat(deltas.next().content()).isEqualTo("Hell");
    early.close();
    early.close();
    assertOnePlaceFree("a stream its reader closed early, twice");

    fake.streams().enqueue(CALLS_WEATHER).enqueueText("Sunny", 8);
    ChatResponse answer;
    try (ChatStream loop = connector.stream(toolRequest())) {
      answer = loop.response();
    }
    assertThat(answer.content()).isEqualTo("Sunny");
    assertThat(answer.toolRounds()).hasSize(1);
    // Between the rounds the first round's place is back and the second's not yet taken.
    assertThat(placesFreeDuringTool.get()).isEqualTo(1);
    assertOnePlaceFree("a stream over two rounds of a tool loop");
  }

  @Test
  void aStreamClosedFromAnotherThreadWhileItOpensGivesItsPlaceBackOnce() throws Exception {
    fake.streams().enqueue(CALLS_WEATHER).enqueueText("never read", 8);
    ChatStream stream = connector.stream(toolRequest());
    CountDownLatch gate = new CountDownLatch(1);
    provider.holdStreamOpensUntil(gate);

    try {
      // The reader runs the tool, then opens the second round, which the port holds.
      Future<Throwable> read = reader.submit(() -> catchThrowable(stream::response));
      provider.awaitHeldStreamOpen();
      assertThat(connector.calls().freePlaces()).isZero();

      stream.close();
      gate.countDown();

      assertThat(read.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamCancelledException.class);
    } finally {
      gate.countDown();
    }
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount());
    assertOnePlaceFree("a stream closed while its second round opened");
  }

  @Test
  void closingTheConnectorWithAStreamOpenGivesItsPlaceBack() {
    ChatStream open = connector.stream(HELLO);
    assertThat(connector.calls().freePlaces()).isZero();

    connector.close();

    assertThat(connector.calls().freePlaces()).isEqualTo(1);
    assertThatThrownBy(open::response).isInstanceOf(StreamCancelledException.class);
    open.close();
    assertThat(connector.calls().freePlaces()).isEqualTo(1);

    FakeProvider next =
        FakeProvider.withCapabilities("fake", EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING));
    next.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hi"));
    next.streams().answerWith(request -> FakeChatStreamPort.textDeltas(request, "Hello", 4));
    connector = connect(next);
    assertOnePlaceFree("a new connector");
  }

  @Test
  void aConnectionCheckRefusedByTheBulkheadSaysTheCallWasNotSent() {
    ChatStream held = connector.stream(HELLO);
    ConnectionCheck check;
    try {
      check = connector.checkConnection();
    } finally {
      held.close();
    }

    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.CHAT, Operation.CHAT_STREAM);
    assertThat(check.operations())
        .allSatisfy(
            refused -> {
              assertThat(refused.outcome()).isEqualTo(OperationCheck.Outcome.OTHER);
              assertThat(refused.message())
                  .contains("maxConcurrentCalls")
                  .contains("was not sent");
            });
    assertThat(fake.chat().requests()).isEmpty();
    assertOnePlaceFree("a connection check the bulkhead refused");
  }

  @Test
  void aConnectionCheckRefusedByAnOpenCircuitSaysTheCallWasNotSent() {
    connector.close();
    connector =
        connect(
            provider,
            ONE_PLACE.toBuilder().slidingWindowSize(2).minimumNumberOfCalls(2).build());
    fake.chat().enqueueFailure(down()).enqueueFailure(down());
    assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(ServerException.class);
    assertThatThrownBy(() -> connector.chat(HELLO)).isInstanceOf(ServerException.class);

    ConnectionCheck check = connector.checkConnection();

    OperationCheck chat = check.of(Operation.CHAT).orElseThrow();
    assertThat(chat.outcome()).isEqualTo(OperationCheck.Outcome.OTHER);
    assertThat(chat.message()).contains("circuit breaker").contains("was not sent");
    assertThat(check.of(Operation.CHAT_STREAM).orElseThrow().ok()).isTrue();
    assertThat(fake.chat().requests()).hasSize(2);
  }

  // One place, free: a call made while a stream holds it is refused, and the next one gets it.
  private void assertOnePlaceFree(String after) {
    assertThat(connector.calls().freePlaces()).as("free places after %s", after).isEqualTo(1);
    ChatStream held = connector.stream(HELLO);
    try {
      assertThat(connector.calls().freePlaces()).as("held, after %s", after).isZero();
      assertThatThrownBy(() -> connector.chat(HELLO))
          .as("a second call while a stream is open, after %s", after)
          .isInstanceOf(BulkheadFullException.class);
    } finally {
      held.close();
    }
    assertThat(connector.chat(HELLO).content()).as("the next call after %s", after).isEqualTo("Hi");
    assertThat(connector.calls().freePlaces()).as("free places again after %s", after).isEqualTo(1);
  }

  private ChatRequest toolRequest() {
    Tool weather =
        ToolFixtures.tool(
            "get_weather",
            arguments -> {
              placesFreeDuringTool.set(connector.calls().freePlaces());
              return "{\"c\":21}";
            });
    return ToolFixtures.request(weather).maxRetries(0).build();
  }

  private ProviderConnector connect(Provider target) {
    return connect(target, ONE_PLACE);
  }

  private static ProviderConnector connect(Provider target, ResilienceOptions options) {
    return (ProviderConnector)
        Connectors.builder()
            .provider(target)
            .resilience(options)
            .build();
  }

  private static ServerException down() {
    return new ServerException(
        "down", new ErrorDetails("fake", 503, null, null, null, null, null), null);
  }
}
