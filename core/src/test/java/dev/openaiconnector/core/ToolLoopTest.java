package dev.openaiconnector.core;

import static dev.openaiconnector.core.testing.ToolFixtures.MODEL;
import static dev.openaiconnector.core.testing.ToolFixtures.ROUND_USAGE;
import static dev.openaiconnector.core.testing.ToolFixtures.answers;
import static dev.openaiconnector.core.testing.ToolFixtures.callsTools;
import static dev.openaiconnector.core.testing.ToolFixtures.request;
import static dev.openaiconnector.core.testing.ToolFixtures.tool;
import static dev.openaiconnector.core.testing.ToolFixtures.trailingToolMessages;
import static dev.openaiconnector.core.testing.ToolFixtures.weatherCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolArgumentsException;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDecision;
import dev.openaiconnector.api.ToolCallException;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolLoopLimitException;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.ToolResult;
import dev.openaiconnector.api.ToolResult.Outcome;
import dev.openaiconnector.api.ToolRound;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ToolLoopTest {
  private static final String SECRET = "password=hunter2";

  private final FakeProvider fake = FakeProvider.create();
  private final List<String> weatherArguments = new CopyOnWriteArrayList<>();
  private final Tool weather =
      tool(
          "get_weather",
          arguments -> {
            weatherArguments.add(arguments);
            return "{\"celsius\":21}";
          });
  private final Tool time = tool("get_time", arguments -> "{\"time\":\"12:00\"}");
  private final List<ToolResult> afterCalls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @Test
  void runsASingleToolCallAndSendsItsResultBack() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("Sunny, 21."));
    ChatRequest request = request(weather).build();

    ChatResponse response;
    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      response = connector.chat(request);
    }

    assertThat(response.content()).isEqualTo("Sunny, 21.");
    assertThat(weatherArguments).containsExactly("{\"city\":\"Paris\"}");
    List<ChatRequest> sent = fake.chat().requests();
    assertThat(sent).hasSize(2);
    AssistantMessage calls = callMessage(weatherCall("call_1", "Paris"));
    assertThat(sent.get(1).messages())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"),
            calls,
            new ToolMessage("call_1", "{\"celsius\":21}"));
    assertThat(sent.get(1).tools()).containsExactly(weather);
    assertThat(response.toolRounds())
        .containsExactly(
            new ToolRound(
                calls, List.of(new ToolMessage("call_1", "{\"celsius\":21}")), ROUND_USAGE));
    assertThat(response.id()).isEqualTo("chatcmpl-final");
    assertThat(response.requestId()).contains("req-final");
  }

  @Test
  void loopsUntilTheModelAnswersWithoutToolCalls() {
    fake.chat()
        .enqueue(callsTools(new ToolCall("call_t", "get_time", "{}")))
        .enqueue(callsTools(weatherCall("call_w", "Paris")))
        .enqueue(answers("At noon it is 21 degrees."));

    ChatResponse response;
    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      response = connector.chat(request(weather, time).build());
    }

    assertThat(response.content()).isEqualTo("At noon it is 21 degrees.");
    assertThat(fake.chat().requests()).hasSize(3);
    assertThat(fake.chat().lastRequest().messages())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"),
            callMessage(new ToolCall("call_t", "get_time", "{}")),
            new ToolMessage("call_t", "{\"time\":\"12:00\"}"),
            callMessage(weatherCall("call_w", "Paris")),
            new ToolMessage("call_w", "{\"celsius\":21}"));
    assertThat(response.toolRounds())
        .extracting(round -> round.request().toolCalls().get(0).name())
        .containsExactly("get_time", "get_weather");
  }

  @Test
  void trustsToolCallsWhateverTheFinishReason() {
    ChatResponse callsWithStop =
        callsTools(weatherCall("call_1", "Paris")).toBuilder()
            .choices(
                List.of(
                    new Choice(0, callMessage(weatherCall("call_1", "Paris")), FinishReason.STOP)))
            .build();
    fake.chat().enqueue(callsWithStop).enqueue(answers("Sunny."));

    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      assertThat(connector.chat(request(weather).build()).content()).isEqualTo("Sunny.");
    }

    assertThat(weatherArguments).hasSize(1);
  }

  @Test
  void stopsAfterTheRoundLimitWithTheWholeConversation() {
    AtomicInteger requests = new AtomicInteger();
    fake.chat()
        .answerWith(
            request -> callsTools(weatherCall("call_" + requests.incrementAndGet(), "Paris")));
    ChatRequest request = request(weather).build();

    ToolLoopLimitException limit;
    try (Connector connector = connector(ToolLoopOptions.builder().maxRounds(2).build())) {
      limit = catchThrowableOfType(ToolLoopLimitException.class, () -> connector.chat(request));
    }

    assertThat(limit).hasMessageContaining("after 2 rounds").hasMessageContaining("maxRounds");
    assertThat(limit.conversation())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"),
            callMessage(weatherCall("call_1", "Paris")),
            new ToolMessage("call_1", "{\"celsius\":21}"),
            callMessage(weatherCall("call_2", "Paris")),
            new ToolMessage("call_2", "{\"celsius\":21}"));
    assertThat(limit.rounds()).hasSize(2);
    assertThat(limit.usage()).isEqualTo(ROUND_USAGE.plus(ROUND_USAGE));
    assertThat(fake.chat().requests()).hasSize(3);
    assertThat(weatherArguments).hasSize(2);
  }

  @Test
  void stopsWhenTheModelAsksForMoreCallsOfOneToolThanAllowed() {
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(
            callsTools(
                new ToolCall("call_3", "get_time", "{}"),
                weatherCall("call_4", "Oslo"),
                weatherCall("call_5", "Bern")));
    ToolLoopOptions options = ToolLoopOptions.builder().maxCallsPerTool(3).build();

    ToolLoopLimitException limit;
    try (Connector connector = connector(options)) {
      limit =
          catchThrowableOfType(
              ToolLoopLimitException.class,
              () -> connector.chat(request(weather, time).build()));
    }

    assertThat(limit)
        .hasMessageContaining("call 4 of tool 'get_weather' in round 2")
        .hasMessageContaining("maxCallsPerTool");
    assertThat(limit.conversation())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"),
            callMessage(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")),
            new ToolMessage("call_1", "{\"celsius\":21}"),
            new ToolMessage("call_2", "{\"celsius\":21}"));
    assertThat(limit.rounds()).hasSize(1);
    assertThat(weatherArguments).hasSize(2);
  }

  @Test
  void tellsTheModelItsArgumentsAreNotJson() {
    Tool strict =
        tool(
            "get_weather",
            arguments -> {
              throw new ToolArgumentsException("Unexpected end of input in " + SECRET, true);
            });

    ToolMessage sent = runOneFailingCall(strict);

    assertThat(sent.content())
        .isEqualTo(
            "{\"error\":\"invalid_json\",\"message\":\"The arguments are not valid JSON. Call"
                + " get_weather again with a JSON object that matches its parameters schema.\"}");
    assertThat(afterCalls).extracting(ToolResult::outcome).containsExactly(Outcome.INVALID_JSON);
  }

  @Test
  void tellsTheModelWhichArgumentBreaksTheSchema() {
    Tool strict =
        tool(
            "get_weather",
            arguments -> {
              throw new ToolArgumentsException("\"city\" must be a string", false);
            });

    ToolMessage sent = runOneFailingCall(strict);

    assertThat(sent.content())
        .isEqualTo(
            "{\"error\":\"invalid_arguments\",\"message\":\"The arguments do not match the"
                + " parameters schema: \\\"city\\\" must be a string\"}");
    assertThat(afterCalls)
        .extracting(ToolResult::outcome)
        .containsExactly(Outcome.INVALID_ARGUMENTS);
  }

  @Test
  void tellsTheModelWhichToolsExistWhenItInventsOne() {
    AtomicInteger asked = new AtomicInteger();
    fake.chat()
        .enqueue(callsTools(new ToolCall("call_1", "get_wether", "{}")))
        .enqueue(answers("Sorry."));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .beforeCall(
                call -> {
                  asked.incrementAndGet();
                  return ToolCallDecision.approve();
                })
            .afterCall(afterCalls::add)
            .build();

    try (Connector connector = connector(options)) {
      connector.chat(request(weather, time).build());
    }

    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .containsExactly(
            new ToolMessage(
                "call_1",
                "{\"error\":\"unknown_tool\",\"message\":\"There is no tool named 'get_wether'."
                    + " The tools are: get_weather, get_time.\"}"));
    assertThat(afterCalls).extracting(ToolResult::outcome).containsExactly(Outcome.UNKNOWN_TOOL);
    assertThat(asked).hasValue(0);
    assertThat(weatherArguments).isEmpty();
  }

  @Test
  void tellsTheModelThatTheToolFailedWithoutAnyDetail() {
    Tool broken =
        tool(
            "get_weather",
            arguments -> {
              throw new IllegalStateException("database rejected " + SECRET);
            });

    ToolMessage sent = runOneFailingCall(broken);

    assertThat(sent.content())
        .isEqualTo(
            "{\"error\":\"failed\",\"message\":\"The tool get_weather failed. No details are"
                + " available.\"}")
        .doesNotContain("hunter2", "IllegalStateException", "java.", "\tat ");
    assertThat(afterCalls).extracting(ToolResult::outcome).containsExactly(Outcome.FAILED);
    assertThat(LogCapture.events(Level.WARN))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.fullText())
                    .contains("get_weather", "call_1", IllegalStateException.class.getName())
                    .doesNotContain("hunter2"));
  }

  @Test
  void treatsANullResultAsAFailedCall() {
    Tool silent = tool("get_weather", arguments -> null);

    ToolMessage sent = runOneFailingCall(silent);

    assertThat(sent.content()).startsWith("{\"error\":\"failed\"");
    assertThat(afterCalls).extracting(ToolResult::outcome).containsExactly(Outcome.FAILED);
  }

  @Test
  void throwModeRaisesTheFailedCallWithTheConversationAndTheCause() {
    IllegalStateException failure = new IllegalStateException("database rejected " + SECRET);
    Tool broken =
        tool(
            "get_weather",
            arguments -> {
              throw failure;
            });
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("unused"));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .failureMode(ToolFailureMode.THROW)
            .afterCall(afterCalls::add)
            .build();

    ToolCallException thrown;
    try (Connector connector = connector(options)) {
      thrown =
          catchThrowableOfType(
              ToolCallException.class, () -> connector.chat(request(broken).build()));
    }

    assertThat(thrown.result().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(thrown.result().call()).isEqualTo(weatherCall("call_1", "Paris"));
    assertThat(thrown).hasCause(failure).hasMessageNotContaining("hunter2");
    assertThat(thrown.conversation())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"),
            callMessage(weatherCall("call_1", "Paris")));
    assertThat(afterCalls).hasSize(1);
    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(LogCapture.events(Level.WARN)).isEmpty();
  }

  @Test
  void throwModeRaisesAnUnknownToolWithoutCause() {
    fake.chat().enqueue(callsTools(new ToolCall("call_1", "get_wether", "{}")));

    ToolCallException thrown;
    try (Connector connector =
        connector(ToolLoopOptions.builder().failureMode(ToolFailureMode.THROW).build())) {
      thrown =
          catchThrowableOfType(
              ToolCallException.class, () -> connector.chat(request(weather).build()));
    }

    assertThat(thrown.result().outcome()).isEqualTo(Outcome.UNKNOWN_TOOL);
    assertThat(thrown).hasNoCause();
  }

  @Test
  void throwModeStillTellsTheModelAboutADeniedCall() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("I can't."));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .failureMode(ToolFailureMode.THROW)
            .beforeCall(call -> ToolCallDecision.deny("Weather lookups are off today."))
            .build();

    try (Connector connector = connector(options)) {
      assertThat(connector.chat(request(weather).build()).content()).isEqualTo("I can't.");
    }
  }

  @Test
  void deniedCallIsNotRunAndTheModelIsToldWhy() {
    fake.chat()
        .enqueue(
            callsTools(weatherCall("call_1", "Paris"), new ToolCall("call_2", "get_time", "{}")))
        .enqueue(answers("It is noon; I may not look up the weather."));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .beforeCall(
                call ->
                    call.name().equals("get_weather")
                        ? ToolCallDecision.deny("Weather lookups need the user's consent.")
                        : ToolCallDecision.approve())
            .afterCall(afterCalls::add)
            .build();

    try (Connector connector = connector(options)) {
      connector.chat(request(weather, time).build());
    }

    assertThat(weatherArguments).isEmpty();
    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .containsExactly(
            new ToolMessage(
                "call_1",
                "{\"error\":\"denied\",\"message\":\"The call was denied: Weather lookups need"
                    + " the user's consent.\"}"),
            new ToolMessage("call_2", "{\"time\":\"12:00\"}"));
    assertThat(afterCalls)
        .extracting(ToolResult::outcome)
        .containsExactly(Outcome.DENIED, Outcome.SUCCEEDED);
  }

  @Test
  void rewrittenCallRunsWithTheNewArgumentsAndAnswersTheOriginalCall() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("21 C."));
    String metric = "{\"city\":\"Paris\",\"units\":\"metric\"}";
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .beforeCall(call -> ToolCallDecision.rewrite(metric))
            .afterCall(afterCalls::add)
            .build();

    ChatResponse response;
    try (Connector connector = connector(options)) {
      response = connector.chat(request(weather).build());
    }

    assertThat(weatherArguments).containsExactly(metric);
    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .containsExactly(new ToolMessage("call_1", "{\"celsius\":21}"));
    assertThat(afterCalls)
        .containsExactly(
            new ToolResult(
                new ToolCall("call_1", "get_weather", metric),
                "{\"celsius\":21}",
                Outcome.SUCCEEDED));
    assertThat(response.toolRounds().get(0).request())
        .isEqualTo(callMessage(weatherCall("call_1", "Paris")));
  }

  @Test
  void afterCallHookSeesEveryResultInCallOrder() {
    Tool broken =
        tool(
            "get_time",
            arguments -> {
              throw new IllegalStateException("clock down");
            });
    fake.chat()
        .enqueue(
            callsTools(weatherCall("call_1", "Paris"), new ToolCall("call_2", "get_time", "{}")))
        .enqueue(answers("21 degrees; the time is unknown."));

    try (Connector connector =
        connector(ToolLoopOptions.builder().afterCall(afterCalls::add).build())) {
      connector.chat(request(weather, broken).build());
    }

    assertThat(afterCalls)
        .containsExactly(
            new ToolResult(weatherCall("call_1", "Paris"), "{\"celsius\":21}", Outcome.SUCCEEDED),
            new ToolResult(
                new ToolCall("call_2", "get_time", "{}"),
                "{\"error\":\"failed\",\"message\":\"The tool get_time failed. No details are"
                    + " available.\"}",
                Outcome.FAILED));
  }

  @Test
  void beforeCallHookFailureReachesTheCallerAndNoCallRuns() {
    IllegalStateException policyDown = new IllegalStateException("policy store down");
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("unused"));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .beforeCall(
                call -> {
                  throw policyDown;
                })
            .build();

    try (Connector connector = connector(options)) {
      assertThatThrownBy(() -> connector.chat(request(weather).build())).isSameAs(policyDown);
    }

    assertThat(weatherArguments).isEmpty();
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void afterCallHookFailureReachesTheCallerAndStopsTheLoop() {
    IllegalStateException auditDown = new IllegalStateException("audit log down");
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("unused"));
    ToolLoopOptions options =
        ToolLoopOptions.builder()
            .afterCall(
                result -> {
                  throw auditDown;
                })
            .build();

    try (Connector connector = connector(options)) {
      assertThatThrownBy(() -> connector.chat(request(weather).build())).isSameAs(auditDown);
    }

    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  void nullDecisionOfTheBeforeCallHookIsReportedClearly() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris")));

    try (Connector connector =
        connector(ToolLoopOptions.builder().beforeCall(call -> null).build())) {
      assertThatThrownBy(() -> connector.chat(request(weather).build()))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("beforeCall hook returned null")
          .hasMessageContaining("get_weather");
    }
    assertThat(weatherArguments).isEmpty();
  }

  @Test
  void namedToolChoiceAppliesToTheFirstCallOnly() {
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris")))
        .enqueue(callsTools(new ToolCall("call_2", "get_time", "{}")))
        .enqueue(answers("Done."));

    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      connector.chat(request(weather, time).toolChoice(ToolChoice.tool("get_weather")).build());
    }

    assertThat(fake.chat().requests())
        .extracting(ChatRequest::toolChoice)
        .containsExactly(ToolChoice.tool("get_weather"), ToolChoice.auto(), ToolChoice.auto());
  }

  @Test
  void requiredToolChoiceAppliesToTheFirstCallOnly() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("Done."));

    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      connector.chat(request(weather).toolChoice(ToolChoice.required()).build());
    }

    assertThat(fake.chat().requests())
        .extracting(ChatRequest::toolChoice)
        .containsExactly(ToolChoice.required(), ToolChoice.auto());
  }

  @Test
  void keepsEveryOtherOptionOfTheRequestInEveryRound() {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("Done."));
    ChatRequest request =
        request(weather).system("Be brief.").temperature(0.3).maxTokens(100).seed(7L).build();

    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      connector.chat(request);
    }

    ChatRequest second = fake.chat().lastRequest();
    assertThat(second.model()).isEqualTo(MODEL);
    assertThat(second.temperature()).isEqualTo(0.3);
    assertThat(second.maxTokens()).isEqualTo(100);
    assertThat(second.seed()).isEqualTo(7L);
    assertThat(second.toolChoice()).isNull();
    assertThat(second.messages().subList(0, 2)).isEqualTo(request.messages());
  }

  @Test
  void sumsTheUsageOfEveryRoundAndCountsEachModelCallOnce() {
    TokenUsage first = TokenUsage.of(100, 20);
    TokenUsage second = TokenUsage.of(150, 30);
    TokenUsage last = TokenUsage.of(200, 40);
    fake.chat()
        .enqueue(callsTools(first, weatherCall("call_1", "Paris")))
        .enqueue(callsTools(second, new ToolCall("call_2", "get_time", "{}")))
        .enqueue(answers("Done.", last));
    List<UsageEvent> events = new ArrayList<>();

    ChatResponse response;
    try (Connector connector =
        Connectors.builder().provider(fake).usageListener(events::add).build()) {
      response = connector.chat(request(weather, time).build());

      assertThat(connector.usage().snapshot().calls()).isEqualTo(3);
      assertThat(connector.usage().snapshot().forOperation(Operation.CHAT))
          .isEqualTo(TokenUsage.of(450, 90));
    }

    assertThat(response.usage()).isEqualTo(TokenUsage.of(450, 90));
    assertThat(response.toolRounds()).extracting(ToolRound::usage).containsExactly(first, second);
    assertThat(events).extracting(UsageEvent::usage).containsExactly(first, second, last);
  }

  @Test
  void rejectsToolsBeforeCallingAProviderWithoutThem() {
    FakeProvider limited =
        FakeProvider.withCapabilities("limited", EnumSet.of(Capability.CHAT, Capability.VISION));

    try (Connector connector = Connectors.builder().provider(limited).build()) {
      assertThatThrownBy(() -> connector.chat(request(weather).build()))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("does not support TOOLS")
          .hasMessageContaining("remove the tools");
    }
    assertThat(limited.chat().requests()).isEmpty();
  }

  @Test
  void logsEachCallWithoutItsArgumentsOrResult() {
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris")))
        .enqueue(answers("Sunny, 21."));

    try (Connector connector = connector(ToolLoopOptions.defaults())) {
      connector.chat(request(weather).build());
    }

    assertThat(LogCapture.events(Level.DEBUG))
        .filteredOn(event -> event.logger().endsWith("ToolLoop"))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.message())
                    .contains(
                        "name=get_weather", "id=call_1", "outcome=SUCCEEDED", "latency=", " ms")
                    .doesNotContain("Paris", "celsius"));
  }

  private Connector connector(ToolLoopOptions options) {
    return Connectors.builder().provider(fake).toolLoop(options).build();
  }

  // Runs one round with one call of the given tool, and returns the tool message the model got.
  private ToolMessage runOneFailingCall(Tool tool) {
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("Sorry."));
    try (Connector connector =
        connector(ToolLoopOptions.builder().afterCall(afterCalls::add).build())) {
      assertThat(connector.chat(request(tool).build()).content()).isEqualTo("Sorry.");
    }
    List<ToolMessage> results = trailingToolMessages(fake.chat().lastRequest());
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static AssistantMessage callMessage(ToolCall... calls) {
    return new AssistantMessage(null, List.of(calls), null);
  }
}
