package dev.openaiconnector.core;

import static dev.openaiconnector.core.testing.ToolFixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.core.testing.HandFedStreams;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionStreamTest {
  private static final SystemMessage SYSTEM = new SystemMessage("You are a travel agent.");
  private static final TokenUsage USAGE = TokenUsage.of(14, 6);

  private final FakeProvider fake = FakeProvider.create();
  private final InMemorySessionStore store = new InMemorySessionStore();
  private final List<UsageEvent> events = new CopyOnWriteArrayList<>();
  private final Connector connector =
      Connectors.builder().provider(fake).sessionStore(store).usageListener(events::add).build();

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void theExchangeJoinsTheHistoryAndTheStoreOnlyOnceTheStreamHasEnded() {
    fake.streams().enqueue(answer("Bonjour !"));
    ChatSession session = connector.session(spec().id("trip-1").build());

    try (ChatStream stream = session.stream("Say hello in French")) {
      Iterator<ChatDelta> deltas = stream.iterator();
      deltas.next();
      assertThat(session.history()).containsExactly(SYSTEM);
      assertThat(store.load("trip-1")).isEmpty();

      while (deltas.hasNext()) {
        deltas.next();
      }
    }

    List<ChatMessage> exchange =
        List.of(SYSTEM, UserMessage.of("Say hello in French"), AssistantMessage.of("Bonjour !"));
    assertThat(session.history()).containsExactlyElementsOf(exchange);
    assertThat(store.load("trip-1")).containsExactlyElementsOf(exchange);
    assertThat(session.usage()).isEqualTo(USAGE);
    assertThat(events).extracting(UsageEvent::sessionId).containsExactly("trip-1");
    assertThat(fake.streams().requests().get(0).messages())
        .containsExactly(SYSTEM, UserMessage.of("Say hello in French"));
  }

  @Test
  void theNextSendCarriesTheStreamedExchange() {
    fake.streams().enqueue(answer("Paris is sunny."));
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "You're welcome."));
    ChatSession session = connector.session(spec().build());

    try (ChatStream stream = session.stream("Weather in Paris?")) {
      stream.response();
    }
    session.send("Thanks");

    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Weather in Paris?"),
            AssistantMessage.of("Paris is sunny."),
            UserMessage.of("Thanks"));
  }

  @Test
  void keepsEveryStreamedToolRoundInTheHistory() {
    Tool weather = tool("get_weather", arguments -> "{\"celsius\":21}");
    ToolCall paris = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
    fake.streams()
        .enqueue(
            List.of(
                new ChatDelta(
                    0,
                    null,
                    null,
                    List.of(new ToolCallDelta(0, "call_1", "get_weather", "{\"city\":\"Paris\"}")),
                    FinishReason.TOOL_CALLS,
                    USAGE)))
        .enqueue(answer("21 degrees."));
    ChatSession session =
        connector.session(spec().requestOptions(options -> options.tool(weather)).build());

    try (ChatStream stream = session.stream("Weather in Paris?")) {
      assertThat(stream.response().toolRounds()).hasSize(1);
    }

    assertThat(session.history())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Weather in Paris?"),
            new AssistantMessage(null, List.of(paris), null),
            new ToolMessage("call_1", "{\"celsius\":21}"),
            AssistantMessage.of("21 degrees."));
    assertThat(session.usage()).isEqualTo(USAGE.plus(USAGE));
  }

  @Test
  void aFailedStreamLeavesTheHistoryUnchangedAndFreesTheSession() {
    ServerException broken = new ServerException("gone", ErrorDetails.ofProvider("fake"), null);
    fake.streams().enqueueFailureAfter(List.of(ChatDelta.ofContent("Bon")), broken);
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ChatSession session = connector.session(spec().id("trip-2").build());

    try (ChatStream stream = session.stream("Say hello in French")) {
      assertThatThrownBy(stream::response).isSameAs(broken);
    }

    assertThat(session.history()).containsExactly(SYSTEM);
    assertThat(store.load("trip-2")).isEmpty();
    assertThat(session.usage()).isEqualTo(TokenUsage.ZERO);
    session.send("Say hello");
    assertThat(session.history()).hasSize(3);
  }

  @Test
  void aStreamClosedUnreadLeavesTheHistoryUnchangedAndFreesTheSession() {
    fake.streams().enqueue(answer("Bonjour !"));
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ChatSession session = connector.session(spec().build());

    session.stream("Say hello in French").close();

    assertThat(session.history()).containsExactly(SYSTEM);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
    session.send("Say hello");
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(SYSTEM, UserMessage.of("Say hello"));
  }

  @Test
  void aStreamThatFailsToOpenFreesTheSession() {
    fake.streams()
        .enqueueOpenFailure(
            new InvalidRequestException("too long", ErrorDetails.ofProvider("fake"), null))
        .enqueue(answer("Bonjour !"));
    ChatSession session = connector.session(spec().build());

    assertThatThrownBy(() -> session.stream("Say hello"))
        .isInstanceOf(InvalidRequestException.class);

    try (ChatStream stream = session.stream("Say hello")) {
      assertThat(stream.response().content()).isEqualTo("Bonjour !");
    }
    assertThat(session.history()).hasSize(3);
  }

  @Test
  void aFailingStoreFailsTheStreamAndLeavesTheHistoryUnchanged() {
    SessionStore broken =
        new SessionStore() {
          @Override
          public List<ChatMessage> load(String sessionId) {
            return List.of();
          }

          @Override
          public void save(String sessionId, List<ChatMessage> history) {
            throw new IllegalStateException("database down");
          }

          @Override
          public void delete(String sessionId) {}
        };
    fake.streams().enqueue(answer("Bonjour !")).enqueue(answer("Encore"));
    try (Connector withBrokenStore =
        Connectors.builder().provider(fake).sessionStore(broken).build()) {
      ChatSession session = withBrokenStore.session(spec().build());

      try (ChatStream stream = session.stream("Say hello in French")) {
        assertThatThrownBy(stream::response).hasMessage("database down");
        assertThatThrownBy(() -> stream.iterator().hasNext()).hasMessage("database down");
      }

      assertThat(session.history()).containsExactly(SYSTEM);
      // The session is free again: the next stream opens without waiting.
      session.stream("Again").close();
    }
  }

  @Test
  void refusesASendOnTheThreadWhoseStreamIsStillOpenRatherThanWaitForever() {
    fake.streams().enqueue(answer("Bonjour !"));
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "Hello"));
    ChatSession session = connector.session(spec().build());

    try (ChatStream stream = session.stream("Say hello in French")) {
      assertThatThrownBy(() -> session.send("Say hello"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("stream of it is still open");
      stream.response();
    }
    session.send("Say hello");

    assertThat(session.history()).hasSize(5);
  }

  @Test
  void aSendFromAnotherThreadWaitsForTheOpenStreamAndFollowsItsExchange() throws Exception {
    HandFedStreams provider = new HandFedStreams();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Connector handFed = Connectors.builder().provider(provider).build()) {
      ChatSession session = handFed.session(spec().build());
      ChatStream stream = session.stream("First");
      HandFedStreams.Source first = provider.awaitOpened();

      Future<ChatResponse> second =
          other.submit(
              () -> {
                try (ChatStream next = session.stream("Second")) {
                  return next.response();
                }
              });
      first.feed(ChatDelta.ofContent("One")).feed(stop()).feed(usage()).end();
      assertThat(stream.response().content()).isEqualTo("One");
      stream.close();
      HandFedStreams.Source secondSource = provider.awaitOpened();
      secondSource.feed(ChatDelta.ofContent("Two")).feed(stop()).feed(usage()).end();

      assertThat(second.get(HandFedStreams.WAIT_SECONDS, TimeUnit.SECONDS).content())
          .isEqualTo("Two");
      assertThat(session.history())
          .containsExactly(
              SYSTEM,
              UserMessage.of("First"),
              AssistantMessage.of("One"),
              UserMessage.of("Second"),
              AssistantMessage.of("Two"));
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aCancelledStreamFromAnotherThreadFreesTheSessionForTheWaitingSend() throws Exception {
    HandFedStreams provider = new HandFedStreams();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Connector handFed = Connectors.builder().provider(provider).build()) {
      ChatSession session = handFed.session(spec().build());
      ChatStream stream = session.stream("First");
      provider.awaitOpened();
      Future<ChatResponse> waiting =
          other.submit(
              () -> {
                try (ChatStream next = session.stream("Second")) {
                  return next.response();
                }
              });

      stream.close();
      provider.awaitOpened().feed(ChatDelta.ofContent("Two")).feed(stop()).feed(usage()).end();

      assertThat(waiting.get(HandFedStreams.WAIT_SECONDS, TimeUnit.SECONDS).content())
          .isEqualTo("Two");
      assertThatThrownBy(stream::response).isInstanceOf(StreamCancelledException.class);
      assertThat(session.history())
          .containsExactly(SYSTEM, UserMessage.of("Second"), AssistantMessage.of("Two"));
    } finally {
      other.shutdownNow();
    }
  }

  private static SessionSpec.Builder spec() {
    return SessionSpec.builder().model("gpt-4o-mini").system(SYSTEM.text());
  }

  private static List<ChatDelta> answer(String text) {
    return List.of(ChatDelta.ofContent(text), stop(), usage());
  }

  private static ChatDelta stop() {
    return new ChatDelta(0, null, null, List.of(), FinishReason.STOP, null);
  }

  private static ChatDelta usage() {
    return new ChatDelta(0, null, null, List.of(), null, USAGE);
  }
}
