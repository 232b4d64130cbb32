package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatSessionTest {
  private static final SystemMessage SYSTEM = new SystemMessage("You are a travel agent.");

  private final FakeProvider fake = FakeProvider.create();
  private final InMemorySessionStore store = new InMemorySessionStore();
  private final Connector connector =
      Connectors.builder().provider(fake).sessionStore(store).build();

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void sendsSystemPromptThenHistoryThenTheNewMessage() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().build());

    session.send("Paris?");
    session.send("And Rome?");
    ChatResponse third = session.send("Which is cheaper?");

    assertThat(third.content()).isEqualTo("re: Which is cheaper?");
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Paris?"),
            AssistantMessage.of("re: Paris?"),
            UserMessage.of("And Rome?"),
            AssistantMessage.of("re: And Rome?"),
            UserMessage.of("Which is cheaper?"));
    assertThat(session.history())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Paris?"),
            AssistantMessage.of("re: Paris?"),
            UserMessage.of("And Rome?"),
            AssistantMessage.of("re: And Rome?"),
            UserMessage.of("Which is cheaper?"),
            AssistantMessage.of("re: Which is cheaper?"));
  }

  @Test
  void appliesTheRequestOptionsButKeepsTheSessionsModelAndMessages() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session =
        connector.session(
            spec()
                .requestOptions(
                    options ->
                        options.temperature(0.2).maxTokens(50).model("other").user("injected"))
                .build());

    session.send(UserMessage.of("Hello"));

    ChatRequest sent = fake.chat().lastRequest();
    assertThat(sent.model()).isEqualTo("gpt-4o-mini");
    assertThat(sent.temperature()).isEqualTo(0.2);
    assertThat(sent.maxTokens()).isEqualTo(50);
    assertThat(sent.messages()).containsExactly(SYSTEM, UserMessage.of("Hello"));
  }

  @Test
  void evictsTheOldestWholeExchangesBeyondMaxMessages() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().maxMessages(4).build());

    session.send("one");
    session.send("two");
    session.send("three");

    assertThat(fake.chat().requests().get(1).messages()).hasSize(4);
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM, UserMessage.of("two"), AssistantMessage.of("re: two"), UserMessage.of("three"));
    assertThat(session.history())
        .containsExactly(
            SYSTEM,
            UserMessage.of("two"),
            AssistantMessage.of("re: two"),
            UserMessage.of("three"),
            AssistantMessage.of("re: three"));
  }

  @Test
  void evictsTheOldestExchangesBeyondTheTokenBudget() {
    // Each 40-character message is estimated at 10 tokens plus 4 of overhead; so is the prompt.
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "a".repeat(40)));
    ChatSession session =
        connector.session(
            SessionSpec.builder()
                .model("gpt-4o-mini")
                .system("s".repeat(40))
                .maxMemoryTokens(5 * 14)
                .build());

    session.send("1".repeat(40));
    session.send("2".repeat(40));
    session.send("3".repeat(40));

    assertThat(fake.chat().requests().get(1).messages()).hasSize(4);
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            new SystemMessage("s".repeat(40)),
            UserMessage.of("2".repeat(40)),
            AssistantMessage.of("a".repeat(40)),
            UserMessage.of("3".repeat(40)));
  }

  @Test
  void neverEvictsTheSystemPrompt() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().maxMessages(2).maxMemoryTokens(1).build());

    session.send("one");
    session.send("two");
    session.send("three");

    assertThat(fake.chat().requests())
        .allSatisfy(request -> assertThat(request.messages().get(0)).isEqualTo(SYSTEM));
    assertThat(session.history())
        .containsExactly(SYSTEM, UserMessage.of("three"), AssistantMessage.of("re: three"));
  }

  @Test
  void sendsTheNewestMessageEvenWhenItAloneExceedsTheBudget() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session =
        connector.session(SessionSpec.builder().model("gpt-4o-mini").maxMemoryTokens(20).build());
    String longQuestion = "Why? ".repeat(100);

    session.send("short");
    session.send(longQuestion);

    assertThat(fake.chat().lastRequest().messages()).containsExactly(UserMessage.of(longQuestion));
    assertThat(session.history())
        .containsExactly(UserMessage.of(longQuestion), AssistantMessage.of("re: " + longQuestion));
  }

  @Test
  void evictsAToolCallExchangeTogetherWithItsToolResults() {
    AssistantMessage calls =
        new AssistantMessage(
            null,
            List.of(
                new ToolCall("call-1", "weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call-2", "weather", "{\"city\":\"Rome\"}")),
            null);
    List<ChatMessage> stored =
        List.of(
            SYSTEM,
            UserMessage.of("Weather in Paris and Rome?"),
            calls,
            new ToolMessage("call-1", "{\"celsius\":18}"),
            new ToolMessage("call-2", "{\"celsius\":24}"),
            AssistantMessage.of("Paris 18, Rome 24."));
    store.save("weather-1", stored);
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().id("weather-1").maxMessages(6).build());

    session.send("Thanks");
    session.send("And tomorrow?");

    assertThat(fake.chat().requests().get(0).messages())
        .containsExactlyElementsOf(withNew(stored, UserMessage.of("Thanks")));
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Thanks"),
            AssistantMessage.of("re: Thanks"),
            UserMessage.of("And tomorrow?"));
  }

  @Test
  void neverStartsTheSentHistoryWithAToolResult() {
    AssistantMessage call =
        new AssistantMessage(null, List.of(new ToolCall("call-1", "time", "{}")), null);
    store.save(
        "clock-1",
        List.of(
            call,
            new ToolMessage("call-1", "{\"time\":\"12:00\"}"),
            AssistantMessage.of("It is noon."),
            UserMessage.of("Thanks"),
            AssistantMessage.of("You're welcome.")));
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().id("clock-1").maxMessages(4).build());

    session.send("Bye");

    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Thanks"),
            AssistantMessage.of("You're welcome."),
            UserMessage.of("Bye"));
  }

  @Test
  void failedSendLeavesTheHistoryAndTheStoreUnchanged() {
    fake.chat()
        .enqueueText("Hi")
        .enqueueFailure(
            new QuotaExceededException("no quota left", ErrorDetails.ofProvider("fake"), null))
        .enqueueText("Fine");
    ChatSession session = connector.session(spec().build());
    session.send("Hello");
    List<ChatMessage> before = session.history();

    assertThatThrownBy(() -> session.send("Lost question"))
        .isInstanceOf(QuotaExceededException.class);

    assertThat(session.history()).isEqualTo(before);
    assertThat(store.load(session.id())).isEqualTo(before);
    session.send("How are you?");
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            SYSTEM,
            UserMessage.of("Hello"),
            AssistantMessage.of("Hi"),
            UserMessage.of("How are you?"));
  }

  @Test
  void rejectedRequestLeavesTheHistoryUnchanged() {
    FakeProvider blind =
        FakeProvider.withCapabilities("blind", Set.of(Capability.CHAT, Capability.JSON_MODE));
    blind.chat().answerWith(ChatSessionTest::echo);
    try (Connector limited = Connectors.builder().provider(blind).build()) {
      ChatSession session = limited.session(spec().build());
      session.send("Hello");
      List<ChatMessage> before = session.history();
      UserMessage withImage =
          UserMessage.of(
              ContentPart.text("What is this?"),
              ImagePart.ofUrl(URI.create("https://example.com/cat.png"), ImageDetail.AUTO));

      assertThatThrownBy(() -> session.send(withImage))
          .isInstanceOf(UnsupportedCapabilityException.class);

      assertThat(session.history()).isEqualTo(before);
      assertThat(blind.chat().requests()).hasSize(1);
    }
  }

  @Test
  void invalidRequestOptionsFailBeforeTheCallAndLeaveTheHistoryUnchanged() {
    ChatSession session =
        connector.session(spec().requestOptions(options -> options.temperature(3.0)).build());

    assertThatThrownBy(() -> session.send("Hello"))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("temperature");

    assertThat(session.history()).containsExactly(SYSTEM);
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void failingStoreFailsTheSendAndLeavesTheHistoryUnchanged() {
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
    fake.chat().answerWith(ChatSessionTest::echo);
    try (Connector withBrokenStore =
        Connectors.builder().provider(fake).sessionStore(broken).build()) {
      ChatSession session = withBrokenStore.session(spec().build());

      assertThatThrownBy(() -> session.send("Hello")).hasMessage("database down");

      assertThat(session.history()).containsExactly(SYSTEM);
    }
  }

  @Test
  void savesEveryExchangeAndResumesBySessionId() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession first = connector.session(spec().id("trip-1").build());
    first.send("Paris?");
    first.send("Rome?");

    assertThat(store.load("trip-1")).isEqualTo(first.history());

    FakeProvider other = FakeProvider.create();
    other.chat().answerWith(ChatSessionTest::echo);
    try (Connector restarted = Connectors.builder().provider(other).sessionStore(store).build()) {
      ChatSession resumed = restarted.session(spec().id("trip-1").build());

      assertThat(resumed.id()).isEqualTo("trip-1");
      assertThat(resumed.history()).isEqualTo(first.history());
      resumed.send("Which one?");
      assertThat(other.chat().lastRequest().messages())
          .containsExactlyElementsOf(withNew(first.history(), UserMessage.of("Which one?")));
    }
  }

  @Test
  void resumedSessionKeepsTheStoredSystemPromptUnlessTheSpecGivesOne() {
    store.save("s-1", List.of(SYSTEM, UserMessage.of("Hi"), AssistantMessage.of("Hello")));

    ChatSession keeps =
        connector.session(SessionSpec.builder().id("s-1").model("gpt-4o-mini").build());
    ChatSession replaces =
        connector.session(
            SessionSpec.builder().id("s-1").model("gpt-4o-mini").system("Be brief.").build());

    assertThat(keeps.history()).first().isEqualTo(SYSTEM);
    assertThat(replaces.history())
        .containsExactly(
            new SystemMessage("Be brief."), UserMessage.of("Hi"), AssistantMessage.of("Hello"));
  }

  @Test
  void newSessionsGetDistinctGeneratedIdsAndEmptyHistories() {
    ChatSession one = connector.session(spec().build());
    ChatSession two = connector.session(spec().build());

    assertThat(one.id()).isNotEqualTo(two.id());
    assertThat(UUID.fromString(one.id())).isNotNull();
    assertThat(one.history()).containsExactly(SYSTEM);
    assertThat(one.usage()).isEqualTo(TokenUsage.ZERO);
  }

  @Test
  void clearKeepsOnlyTheSystemPromptAndSavesIt() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().build());
    session.send("Paris?");

    session.clear();

    assertThat(session.history()).containsExactly(SYSTEM);
    assertThat(store.load(session.id())).containsExactly(SYSTEM);
    session.send("Rome?");
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(SYSTEM, UserMessage.of("Rome?"));
  }

  @Test
  void historyIsASnapshotThatLaterSendsDoNotChange() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().build());
    List<ChatMessage> empty = session.history();

    session.send("Paris?");

    assertThat(empty).containsExactly(SYSTEM);
    assertThatThrownBy(() -> session.history().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void usageSumsTheSessionsOwnCalls() {
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().build());

    TokenUsage first = session.send("Paris?").usage();
    TokenUsage second = session.send("Rome?").usage();
    connector.chat(ChatRequest.builder().model("gpt-4o-mini").user("Outside the session").build());

    assertThat(session.usage()).isEqualTo(first.plus(second));
    assertThat(connector.usage().snapshot().calls()).isEqualTo(3);
  }

  @Test
  void concurrentSendersEachGetTheirExchangeRecordedIntact() throws Exception {
    int threads = 8;
    int sendsPerThread = 25;
    fake.chat().answerWith(ChatSessionTest::echo);
    ChatSession session = connector.session(spec().maxMessages(1000).build());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < sendsPerThread; i++) {
                    String question = "thread " + thread + " question " + i;
                    assertThat(session.send(question).content()).isEqualTo("re: " + question);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<ChatMessage> history = session.history();
    int exchanges = threads * sendsPerThread;
    assertThat(history).hasSize(1 + 2 * exchanges).first().isEqualTo(SYSTEM);
    Set<String> questions = new HashSet<>();
    for (int i = 1; i < history.size(); i += 2) {
      assertThat(history.get(i)).isInstanceOf(UserMessage.class);
      String question = ((UserMessage) history.get(i)).text();
      assertThat(history.get(i + 1)).isEqualTo(AssistantMessage.of("re: " + question));
      questions.add(question);
    }
    assertThat(questions).hasSize(exchanges);
    List<ChatRequest> requests = fake.chat().requests();
    for (int n = 0; n < requests.size(); n++) {
      assertThat(requests.get(n).messages()).hasSize(2 + 2 * n);
    }
  }

  private static SessionSpec.Builder spec() {
    return SessionSpec.builder().model("gpt-4o-mini").system(SYSTEM.text());
  }

  private static ChatResponse echo(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    UserMessage last = (UserMessage) messages.get(messages.size() - 1);
    return FakeChatPort.textAnswer(request, "re: " + last.text());
  }

  private static List<ChatMessage> withNew(List<ChatMessage> history, ChatMessage message) {
    List<ChatMessage> all = new ArrayList<>(history);
    all.add(message);
    return all;
  }
}
