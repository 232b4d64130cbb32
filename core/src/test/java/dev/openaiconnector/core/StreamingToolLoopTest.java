package dev.openaiconnector.core;

import static dev.openaiconnector.core.testing.ToolFixtures.MODEL;
import static dev.openaiconnector.core.testing.ToolFixtures.request;
import static dev.openaiconnector.core.testing.ToolFixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.ToolCallException;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolLoopLimitException;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.ToolRound;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingToolLoopTest {
  private static final TokenUsage FIRST_USAGE = TokenUsage.of(30, 12);
  private static final TokenUsage SECOND_USAGE = TokenUsage.of(55, 9);
  private static final ToolCall PARIS =
      new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}");
  private static final ToolCall NOON = new ToolCall("call_b", "get_time", "{\"tz\":\"CET\"}");

  /** Two parallel calls whose fragments interleave, as a model may stream them. */
  private static final List<ChatDelta> CALLS_BOTH =
      List.of(
          fragment(new ToolCallDelta(0, "call_a", "get_weather", "")),
          fragment(new ToolCallDelta(1, "call_b", "get_time", "{\"tz\"")),
          fragment(new ToolCallDelta(0, null, null, "{\"city\":\"Paris\"}")),
          fragment(new ToolCallDelta(1, null, null, ":\"CET\"}")),
          new ChatDelta(0, null, null, List.of(), FinishReason.TOOL_CALLS, null),
          new ChatDelta(0, null, null, List.of(), null, FIRST_USAGE));

  private static final List<ChatDelta> ANSWERS =
      List.of(
          ChatDelta.ofContent("21 degrees "),
          ChatDelta.ofContent("at noon."),
          new ChatDelta(0, null, null, List.of(), FinishReason.STOP, null),
          new ChatDelta(0, null, null, List.of(), null, SECOND_USAGE));

  private final List<Object> seen = new CopyOnWriteArrayList<>();
  private final Tool weather = tool("get_weather", arguments -> ran("get_weather", "{\"c\":21}"));
  private final Tool time = tool("get_time", arguments -> ran("get_time", "{\"t\":\"12:00\"}"));
  private final FakeProvider fake = FakeProvider.create();
  private final List<UsageEvent> events = new CopyOnWriteArrayList<>();
  private final Connector connector =
      Connectors.builder().provider(fake).usageListener(events::add).build();

  @AfterEach
  void close() {
    connector.close();
  }

  @Test
  void streamsBothRoundsInOrderAndRunsTheToolsBetweenThem() {
    fake.streams().enqueue(CALLS_BOTH).enqueue(ANSWERS);

    ChatResponse response;
    try (ChatStream stream = connector.stream(request(weather, time).build())) {
      for (ChatDelta delta : stream) {
        seen.add(delta);
      }
      response = stream.response();
    }

    assertThat(seen.subList(0, CALLS_BOTH.size())).containsExactlyElementsOf(CALLS_BOTH);
    assertThat(seen.subList(CALLS_BOTH.size(), CALLS_BOTH.size() + 2))
        .containsExactlyInAnyOrder("get_weather", "get_time");
    assertThat(seen.subList(CALLS_BOTH.size() + 2, seen.size())).containsExactlyElementsOf(ANSWERS);

    List<ToolMessage> results =
        List.of(
            new ToolMessage("call_a", "{\"c\":21}"),
            new ToolMessage("call_b", "{\"t\":\"12:00\"}"));
    AssistantMessage asks = new AssistantMessage(null, List.of(PARIS, NOON), null);
    assertThat(response.content()).isEqualTo("21 degrees at noon.");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.toolRounds()).containsExactly(new ToolRound(asks, results, FIRST_USAGE));
    assertThat(response.usage()).isEqualTo(FIRST_USAGE.plus(SECOND_USAGE));
    assertThat(response.requestId()).contains("req_fake_stream_2");

    List<ChatRequest> requests = fake.streams().requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).messages())
        .containsExactly(
            UserMessage.of("What is the weather in Paris?"), asks, results.get(0), results.get(1));
    assertThat(events)
        .extracting(UsageEvent::operation, UsageEvent::usage, UsageEvent::requestId)
        .containsExactly(
            tuple(
                Operation.CHAT_STREAM, FIRST_USAGE, "req_fake_stream_1"),
            tuple(
                Operation.CHAT_STREAM, SECOND_USAGE, "req_fake_stream_2"));
    assertThat(connector.usage().snapshot().forOperation(Operation.CHAT_STREAM))
        .isEqualTo(FIRST_USAGE.plus(SECOND_USAGE));
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(2);
  }

  @Test
  void relaxesAForcedToolChoiceAfterTheFirstStream() {
    fake.streams().enqueue(CALLS_BOTH).enqueue(ANSWERS);

    try (ChatStream stream =
        connector.stream(request(weather, time).toolChoice(ToolChoice.required()).build())) {
      stream.response();
    }

    assertThat(fake.streams().requests())
        .extracting(ChatRequest::toolChoice)
        .containsExactly(ToolChoice.required(), ToolChoice.auto());
  }

  @Test
  void stopsAtTheRoundLimitAndClosesEveryStream() {
    fake.streams().enqueue(CALLS_BOTH).enqueue(CALLS_BOTH);
    try (Connector limited =
        Connectors.builder()
            .provider(fake)
            .toolLoop(ToolLoopOptions.builder().maxRounds(1).build())
            .build()) {
      ChatStream stream = limited.stream(request(weather, time).build());

      assertThatThrownBy(stream::response)
          .isInstanceOf(ToolLoopLimitException.class)
          .satisfies(
              e -> assertThat(((ToolLoopLimitException) e).rounds()).hasSize(1));
    }
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(2);
  }

  @Test
  void aFailedToolInThrowModeReachesTheReaderAndNoFurtherStreamOpens() {
    Tool broken =
        tool(
            "get_weather",
            arguments -> {
              throw new IllegalStateException("weather service down");
            });
    fake.streams()
        .enqueue(
            List.of(
                fragment(new ToolCallDelta(0, "call_a", "get_weather", "{}")),
                new ChatDelta(0, null, null, List.of(), FinishReason.TOOL_CALLS, FIRST_USAGE)))
        .enqueue(ANSWERS);
    try (Connector throwing =
        Connectors.builder()
            .provider(fake)
            .toolLoop(ToolLoopOptions.builder().failureMode(ToolFailureMode.THROW).build())
            .build()) {
      ChatStream stream = throwing.stream(request(broken).build());
      List<ChatDelta> read = new ArrayList<>();

      assertThatThrownBy(() -> stream.forEach(read::add))
          .isInstanceOf(ToolCallException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThat(read).hasSize(2);
    }
    assertThat(fake.streams().openedCount()).isEqualTo(1);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void aFailureToOpenTheNextRoundReachesTheReader() {
    ServerException down = new ServerException("down", ErrorDetails.ofProvider("fake"), null);
    fake.streams().enqueue(CALLS_BOTH).enqueueOpenFailure(down);

    ChatStream stream = connector.stream(request(weather, time).maxRetries(0).build());

    assertThatThrownBy(stream::response).isSameAs(down);
    assertThat(seen).containsExactlyInAnyOrder("get_weather", "get_time");
    assertThat(fake.streams().closedCount()).isEqualTo(fake.streams().openedCount()).isEqualTo(1);
  }

  @Test
  void closingTheStreamWhileToolsRunOpensNoFurtherStream() {
    AtomicReference<ChatStream> current = new AtomicReference<>();
    Tool closing =
        tool(
            "get_weather",
            arguments -> {
              current.get().close();
              return "{}";
            });
    fake.streams()
        .enqueue(
            List.of(
                fragment(new ToolCallDelta(0, "call_a", "get_weather", "{}")),
                new ChatDelta(0, null, null, List.of(), FinishReason.TOOL_CALLS, FIRST_USAGE)))
        .enqueue(ANSWERS);

    ChatStream stream = connector.stream(request(closing).build());
    current.set(stream);

    assertThatThrownBy(stream::response).isInstanceOf(StreamCancelledException.class);
    assertThat(fake.streams().openedCount()).isEqualTo(1);
    assertThat(fake.streams().closedCount()).isEqualTo(1);
    assertThat(fake.streams().requests()).extracting(ChatRequest::model).containsExactly(MODEL);
  }

  private String ran(String name, String result) {
    seen.add(name);
    return result;
  }

  private static ChatDelta fragment(ToolCallDelta call) {
    return new ChatDelta(0, null, null, List.of(call), null, null);
  }
}
