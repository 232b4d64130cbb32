package dev.openaiconnector.core;

import static dev.openaiconnector.core.testing.ToolFixtures.answers;
import static dev.openaiconnector.core.testing.ToolFixtures.callsTools;
import static dev.openaiconnector.core.testing.ToolFixtures.tool;
import static dev.openaiconnector.core.testing.ToolFixtures.weatherCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolLoopLimitException;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionToolLoopTest {
  private static final SystemMessage SYSTEM = new SystemMessage("You are a travel agent.");
  private static final ToolCall PARIS = weatherCall("call_1", "Paris");
  private static final ToolCall NOON = new ToolCall("call_2", "get_time", "{}");
  private static final AssistantMessage ASKS_WEATHER =
      new AssistantMessage(null, List.of(PARIS), null);
  private static final AssistantMessage ASKS_TIME = new AssistantMessage(null, List.of(NOON), null);
  private static final ToolMessage WEATHER = new ToolMessage("call_1", "{\"celsius\":21}");
  private static final ToolMessage TIME = new ToolMessage("call_2", "{\"time\":\"12:00\"}");

  private final Tool weather = tool("get_weather", arguments -> "{\"celsius\":21}");
  private final Tool time = tool("get_time", arguments -> "{\"time\":\"12:00\"}");
  private final FakeProvider fake = FakeProvider.create();
  private final InMemorySessionStore store = new InMemorySessionStore();
  private final List<UsageEvent> events = new ArrayList<>();
  private final Connector connector =
      Connectors.builder()
          .provider(fake)
          .sessionStore(store)
          .usageListener(events::add)
          .toolLoop(ToolLoopOptions.builder().maxRounds(3).build())
          .build();

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void keepsEveryRoundOfTheLoopInTheHistoryInOrder() {
    fake.chat()
        .enqueue(callsTools(PARIS))
        .enqueue(callsTools(NOON))
        .enqueue(answers("21 degrees at noon."))
        .enqueue(answers("You're welcome."));
    ChatSession session = connector.session(withTools().build());

    session.send("Weather in Paris at noon?");
    session.send("Thanks");

    List<ChatMessage> exchange =
        List.of(
            SYSTEM,
            UserMessage.of("Weather in Paris at noon?"),
            ASKS_WEATHER,
            WEATHER,
            ASKS_TIME,
            TIME,
            AssistantMessage.of("21 degrees at noon."));
    assertThat(fake.chat().requests().get(2).messages())
        .containsExactlyElementsOf(exchange.subList(0, 6));
    assertThat(fake.chat().lastRequest().messages())
        .containsExactlyElementsOf(with(exchange, UserMessage.of("Thanks")));
    assertThat(session.history())
        .containsExactlyElementsOf(
            with(with(exchange, UserMessage.of("Thanks")), AssistantMessage.of("You're welcome.")));
    assertThat(store.load(session.id())).isEqualTo(session.history());
  }

  @Test
  void sessionUsageAndListenersCountEveryRound() {
    fake.chat()
        .enqueue(callsTools(TokenUsage.of(10, 5), PARIS))
        .enqueue(answers("21 degrees.", TokenUsage.of(20, 7)));
    ChatSession session = connector.session(withTools().id("trip-1").build());

    ChatResponse response = session.send("Weather in Paris?");

    assertThat(response.usage()).isEqualTo(TokenUsage.of(30, 12));
    assertThat(session.usage()).isEqualTo(TokenUsage.of(30, 12));
    assertThat(connector.usage().snapshot().calls()).isEqualTo(2);
    assertThat(events)
        .extracting(UsageEvent::sessionId)
        .containsExactly("trip-1", "trip-1");
  }

  @Test
  void sessionUsageCountsTheRoundsOfALoopThatFailed() {
    fake.chat()
        .enqueue(callsTools(TokenUsage.of(10, 5), PARIS))
        .enqueueFailure(
            new dev.openaiconnector.api.InvalidRequestException(
                "too long", dev.openaiconnector.api.ErrorDetails.ofProvider("fake"), null));
    ChatSession session = connector.session(withTools().build());

    assertThatThrownBy(() -> session.send("Weather in Paris?"))
        .isInstanceOf(dev.openaiconnector.api.InvalidRequestException.class);

    // The first round was paid for; the history is unchanged, the bill is not.
    assertThat(session.usage()).isEqualTo(TokenUsage.of(10, 5));
    assertThat(session.history()).containsExactly(SYSTEM);
  }

  @Test
  void relaxesAForcedChoiceOfTheSessionAfterTheFirstRoundOfEachSend() {
    fake.chat()
        .enqueue(callsTools(PARIS))
        .enqueue(answers("21 degrees."))
        .enqueue(callsTools(weatherCall("call_3", "Rome")))
        .enqueue(answers("24 degrees."));
    ChatSession session =
        connector.session(
            spec()
                .requestOptions(
                    options -> options.tools(List.of(weather)).toolChoice(ToolChoice.required()))
                .build());

    session.send("Paris?");
    session.send("Rome?");

    assertThat(fake.chat().requests())
        .extracting(ChatRequest::toolChoice)
        .containsExactly(
            ToolChoice.required(), ToolChoice.auto(), ToolChoice.required(), ToolChoice.auto());
  }

  @Test
  void evictsAnExchangeWithToolRoundsAsAWhole() {
    fake.chat()
        .enqueue(callsTools(PARIS))
        .enqueue(answers("21 degrees."))
        .answerWith(request -> FakeChatPort.textAnswer(request, "ok"));
    ChatSession session = connector.session(withTools().maxMessages(4).build());

    session.send("Weather in Paris?");
    assertThat(session.history())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Weather in Paris?"),
            ASKS_WEATHER,
            WEATHER,
            AssistantMessage.of("21 degrees."));

    session.send("Thanks");

    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(SYSTEM, UserMessage.of("Thanks"));
    assertThat(session.history())
        .containsExactly(SYSTEM, UserMessage.of("Thanks"), AssistantMessage.of("ok"));
  }

  @Test
  void keepsTheNewestExchangeWholeEvenBeyondTheMessageBound() {
    fake.chat()
        .enqueue(callsTools(PARIS))
        .enqueue(callsTools(NOON))
        .enqueue(answers("21 degrees at noon."))
        .answerWith(request -> FakeChatPort.textAnswer(request, "ok"));
    ChatSession session = connector.session(withTools().maxMessages(2).build());

    session.send("Weather in Paris at noon?");

    assertThat(session.history())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Weather in Paris at noon?"),
            ASKS_WEATHER,
            WEATHER,
            ASKS_TIME,
            TIME,
            AssistantMessage.of("21 degrees at noon."));

    session.send("Thanks");

    assertThat(session.history())
        .containsExactly(SYSTEM, UserMessage.of("Thanks"), AssistantMessage.of("ok"));
    assertThat(session.history()).noneMatch(message -> message instanceof ToolMessage);
  }

  @Test
  void failedLoopLeavesTheHistoryAndTheStoreUnchanged() {
    fake.chat().enqueueText("Hello.");
    ChatSession session = connector.session(withTools().build());
    session.send("Hi");
    List<ChatMessage> before = session.history();
    fake.chat().answerWith(request -> callsTools(PARIS));

    assertThatThrownBy(() -> session.send("Weather in Paris, forever?"))
        .isInstanceOf(ToolLoopLimitException.class);

    assertThat(session.history()).isEqualTo(before);
    assertThat(store.load(session.id())).isEqualTo(before);
  }

  private SessionSpec.Builder withTools() {
    return spec().requestOptions(options -> options.tools(List.of(weather, time)));
  }

  private static SessionSpec.Builder spec() {
    return SessionSpec.builder().model("gpt-4o-mini").system(SYSTEM.text());
  }

  private static List<ChatMessage> with(List<ChatMessage> messages, ChatMessage message) {
    List<ChatMessage> all = new ArrayList<>(messages);
    all.add(message);
    return all;
  }
}
