package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The fake provider's default answers, its scripts, and how it reports misuse. */
class FakeProviderTest {
  private static final Deadline DEADLINE = Deadline.after(Duration.ofMinutes(1));
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
          + "\"days\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"city\",\"days\"]}";
  private static final Tool WEATHER =
      Tool.of(
          new ToolDefinition("get_weather", "The weather", WEATHER_SCHEMA, false), args -> "{}");
  private static final Tool TIME =
      Tool.of(new ToolDefinition("get_time", "The time", "{}", false), args -> "noon");

  private final FakeProvider fake = FakeProvider.create();

  private static ChatRequest.Builder request(String userText) {
    return ChatRequest.builder().model("gpt-4o-mini").user(userText);
  }

  private static String text(List<ChatDelta> deltas) {
    StringBuilder text = new StringBuilder();
    deltas.forEach(delta -> text.append(delta.text()));
    return text.toString();
  }

  private static List<ChatDelta> play(ChatEventSource source) {
    List<ChatDelta> deltas = new ArrayList<>();
    try (source) {
      for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
        deltas.add(delta);
      }
    }
    return deltas;
  }

  @Test
  void answersAnUnscriptedChatWithAnEchoOfTheLastUserMessage() {
    ChatResponse response =
        fake.chat().complete(request("Hello there").system("Be terse.").build(), DEADLINE);

    assertThat(response.content()).isEqualTo("Echo: Hello there");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.model()).isEqualTo("gpt-4o-mini");
    assertThat(response.usage().promptTokens()).isPositive();
    assertThat(response.usage().completionTokens()).isEqualTo(5);
  }

  @Test
  void echoesImagePartsJsonModeAndTheTokenLimitLikeTheServer() {
    ChatRequest withImage =
        ChatRequest.builder()
            .model("gpt-4o")
            .user(
                new TextPart("What is this?"),
                ImagePart.ofUrl(URI.create("https://example.com/a.png"), ImageDetail.LOW))
            .build();
    ChatRequest json =
        request("Answer in JSON please").responseFormat(ResponseFormat.jsonObject()).build();
    ChatRequest limited = request("a rather long question").maxTokens(2).build();

    assertThat(fake.chat().complete(withImage, DEADLINE).content())
        .isEqualTo("Echo: What is this? [1 image]");
    assertThat(fake.chat().complete(json, DEADLINE).content())
        .isEqualTo("{\"echo\":\"Answer in JSON please\"}");
    ChatResponse cut = fake.chat().complete(limited, DEADLINE);
    assertThat(cut.content()).isEqualTo("Echo: a ");
    assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void callsTheOfferedToolsWithSampleArgumentsThenEchoesTheirResults() {
    ChatRequest first = request("Weather and time?").tools(List.of(WEATHER, TIME)).build();

    ChatResponse calls = fake.chat().complete(first, DEADLINE);

    assertThat(calls.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(calls.message().toolCalls())
        .containsExactly(
            new ToolCall("call_fake_1_0", "get_weather", "{\"city\":\"sample\",\"days\":1}"),
            new ToolCall("call_fake_1_1", "get_time", "{}"));
    List<ChatMessage> history = new ArrayList<>(first.messages());
    history.add(calls.message());
    history.add(ChatMessage.tool("call_fake_1_0", "{\"temperature\":21}"));
    history.add(ChatMessage.tool("call_fake_1_1", "noon"));
    ChatRequest second =
        ChatRequest.builder().model("gpt-4o-mini").messages(history).tools(List.of(WEATHER, TIME))
            .build();
    assertThat(fake.chat().complete(second, DEADLINE).content())
        .isEqualTo("Echo: tool results: {\"temperature\":21}; noon");
  }

  @Test
  void callsOnlyTheNamedToolOrTheFirstWithoutParallelCallsAndNoneForNone() {
    ChatRequest named =
        request("time?").tools(List.of(WEATHER, TIME)).toolChoice(ToolChoice.tool("get_time"))
            .build();
    ChatRequest serial =
        request("both?").tools(List.of(WEATHER, TIME)).parallelToolCalls(false).build();
    ChatRequest none =
        request("none").tools(List.of(WEATHER)).toolChoice(ToolChoice.none()).build();

    assertThat(fake.chat().complete(named, DEADLINE).message().toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("get_time");
    assertThat(fake.chat().complete(serial, DEADLINE).message().toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("get_weather");
    assertThat(fake.chat().complete(none, DEADLINE).content()).isEqualTo("Echo: none");
  }

  @Test
  void answersASampleOfTheJsonSchemaForStructuredOutput() {
    ChatRequest request =
        request("A city?")
            .responseFormat(
                ResponseFormat.jsonSchema(
                    "city",
                    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                        + "\"population\":{\"type\":\"integer\"}},"
                        + "\"required\":[\"name\",\"population\"],"
                        + "\"additionalProperties\":false}",
                    true))
            .build();

    assertThat(fake.chat().complete(request, DEADLINE).content())
        .isEqualTo("{\"name\":\"sample\",\"population\":1}");
  }

  @Test
  void streamsTheDefaultAnswerAWordAtATimeThenTheFinishAndTheUsage() {
    List<ChatDelta> deltas =
        play(fake.streams().open(request("Stream me please").build(), DEADLINE));

    assertThat(text(deltas)).isEqualTo("Echo: Stream me please");
    assertThat(deltas).filteredOn(delta -> delta.content() != null).hasSize(4);
    assertThat(deltas.get(deltas.size() - 2).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(deltas.get(deltas.size() - 1).usage()).isNotNull();
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void streamsDefaultToolCallsAsIdAndNameThenArgumentPieces() {
    List<ChatDelta> deltas =
        play(fake.streams().open(request("weather?").tools(List.of(WEATHER)).build(), DEADLINE));

    List<ToolCallDelta> pieces = new ArrayList<>();
    deltas.forEach(delta -> pieces.addAll(delta.toolCalls()));
    assertThat(pieces.get(0)).isEqualTo(new ToolCallDelta(0, "call_fake_1_0", "get_weather", ""));
    StringBuilder arguments = new StringBuilder();
    pieces.forEach(piece -> arguments.append(piece.arguments()));
    assertThat(arguments.toString()).isEqualTo("{\"city\":\"sample\",\"days\":1}");
    assertThat(pieces).hasSizeGreaterThan(2);
    assertThat(deltas)
        .anyMatch(delta -> FinishReason.TOOL_CALLS.equals(delta.finishReason()));
  }

  @Test
  void playsScriptedToolCallsTextAndFailuresInOrder() {
    RateLimitException limited =
        new RateLimitException("slow down", ErrorDetails.ofProvider("fake"), null);
    fake.chat()
        .enqueueToolCall("get_weather", "{\"city\":\"Paris\"}")
        .enqueueText("Sunny.")
        .enqueueFailure(limited)
        .enqueueToolCalls(new ToolCall("c1", "a", "{}"), new ToolCall("c2", "b", "{}"));
    ChatRequest request = request("weather?").build();

    ChatResponse first = fake.chat().complete(request, DEADLINE);
    ChatResponse second = fake.chat().complete(request, DEADLINE);
    assertThatThrownBy(() -> fake.chat().complete(request, DEADLINE)).isSameAs(limited);
    ChatResponse fourth = fake.chat().complete(request, DEADLINE);

    assertThat(first.message().toolCalls())
        .containsExactly(new ToolCall("call_fake_1_0", "get_weather", "{\"city\":\"Paris\"}"));
    assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(second.content()).isEqualTo("Sunny.");
    assertThat(fourth.message().toolCalls()).extracting(ToolCall::id).containsExactly("c1", "c2");
    assertThat(fake.chat().requests()).hasSize(4);
    assertThat(fake.chat().remaining()).isZero();
  }

  @Test
  void scriptedToolCallIdsCountTheRounds() {
    fake.chat().enqueueToolCall("a", "{}");
    ChatRequest secondRound =
        ChatRequest.builder()
            .model("m")
            .user("q")
            .message(new AssistantMessage(null, List.of(new ToolCall("x", "a", "{}")), null))
            .message(ChatMessage.tool("x", "r"))
            .user("again")
            .build();

    assertThat(fake.chat().complete(secondRound, DEADLINE).message().toolCalls().get(0).id())
        .isEqualTo("call_fake_2_0");
  }

  @Test
  void streamsScriptedTextAWordAtATimeAndToolCallsInPieces() {
    fake.streams()
        .enqueueText("one two three")
        .enqueueToolCall("lookup", "{\"query\":\"long text\"}");

    List<ChatDelta> text = play(fake.streams().open(request("q").build(), DEADLINE));
    List<ChatDelta> call = play(fake.streams().open(request("q").build(), DEADLINE));

    assertThat(text).filteredOn(delta -> delta.content() != null)
        .extracting(ChatDelta::content)
        .containsExactly("one", " two", " three");
    StringBuilder arguments = new StringBuilder();
    call.forEach(delta -> delta.toolCalls().forEach(piece -> arguments.append(piece.arguments())));
    assertThat(arguments.toString()).isEqualTo("{\"query\":\"long text\"}");
    assertThat(call.get(0).toolCalls().get(0).name()).isEqualTo("lookup");
  }

  @Test
  void aChatScriptThatRunsOutFailsNamingThePortTheScriptAndTheRequest() {
    fake.chat().enqueueText("one").enqueueText("two");
    ChatRequest request = request("What is the weather in Paris?").tools(List.of(WEATHER)).build();
    fake.chat().complete(request, DEADLINE);
    fake.chat().complete(request, DEADLINE);

    assertThatThrownBy(() -> fake.chat().complete(request, DEADLINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FakeChatPort of FakeProvider[fake] got an unexpected request #3")
        .hasMessageContaining("2 answers were scripted and all were used")
        .hasMessageContaining("model gpt-4o-mini, 1 message")
        .hasMessageContaining("user \"What is the weather in Paris?\"")
        .hasMessageContaining("tools [get_weather]")
        .hasMessageContaining("answerWith");
    assertThat(fake.unexpectedCalls()).hasSize(1).first().asString().contains("request #3");
    assertThat(fake.chat().requests()).hasSize(3);
  }

  @Test
  void aStreamScriptThatRunsOutFailsToo() {
    fake.streams().enqueueText("once");
    play(fake.streams().open(request("q").build(), DEADLINE));

    assertThatThrownBy(() -> fake.streams().open(request("again").build(), DEADLINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FakeChatStreamPort")
        .hasMessageContaining("1 answer was scripted and it was used");
  }

  @Test
  void answerWithTakesOverWhenTheScriptRunsOut() {
    fake.chat().enqueueText("scripted").answerWith(FakeChatPort::defaultAnswer);
    fake.streams().enqueueText("scripted").answerWith(FakeChatStreamPort::defaultDeltas);

    fake.chat().complete(request("q").build(), DEADLINE);
    play(fake.streams().open(request("q").build(), DEADLINE));

    assertThat(fake.chat().complete(request("later").build(), DEADLINE).content())
        .isEqualTo("Echo: later");
    assertThat(text(play(fake.streams().open(request("later").build(), DEADLINE))))
        .isEqualTo("Echo: later");
    assertThat(fake.unexpectedCalls()).isEmpty();
  }

  @Test
  void embeddingsAndImagesFallBackToTheirDefaultsAfterTheirScript() {
    RateLimitException limited =
        new RateLimitException("slow down", ErrorDetails.ofProvider("fake"), null);
    fake.embeddingsPort().enqueueFailure(limited);
    EmbeddingRequest batch = EmbeddingRequest.builder().model("m").input("hello").build();

    assertThatThrownBy(() -> fake.embeddingsPort().embed(batch, DEADLINE)).isSameAs(limited);
    assertThat(fake.embeddingsPort().embed(batch, DEADLINE).vector(0))
        .isEqualTo(FakeEmbeddingsPort.vector("m", "hello", null));
  }

  @Test
  void aStrictFakeAnswersNothingUnscripted() {
    fake.strict();
    ImageRequest image = ImageRequest.builder().model("dall-e-3").prompt("a red square").build();

    assertThatThrownBy(() -> fake.imagesPort().generate(image, DEADLINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FakeImagesPort of FakeProvider[fake] got an unexpected request #1")
        .hasMessageContaining("the fake is strict and nothing was scripted")
        .hasMessageContaining("model dall-e-3, prompt \"a red square\"");
    assertThatThrownBy(
            () ->
                fake.embeddingsPort()
                    .embed(EmbeddingRequest.builder().model("m").input("x").build(), DEADLINE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FakeEmbeddingsPort");
    assertThatThrownBy(() -> fake.chat().complete(request("q").build(), DEADLINE))
        .isInstanceOf(AssertionError.class);
    assertThat(fake.unexpectedCalls()).hasSize(3);
  }

  @Test
  void resetForgetsRecordingsScriptsAndUnexpectedCallsButKeepsTheFallback() {
    fake.chat()
        .enqueueText("left over")
        .answerWith(request -> FakeChatPort.textAnswer(request, "x"));
    fake.streams().enqueueText("left over");
    play(fake.streams().open(request("q").build(), DEADLINE));
    fake.strict().imagesPort().enqueue(FakeImagesPort.defaultAnswer(
        ImageRequest.builder().model("dall-e-2").prompt("p").build()));

    fake.reset();

    assertThat(fake.chat().requests()).isEmpty();
    assertThat(fake.chat().remaining()).isZero();
    assertThat(fake.streams().requests()).isEmpty();
    assertThat(fake.streams().openedCount()).isZero();
    assertThat(fake.imagesPort().remaining()).isZero();
    assertThat(fake.chat().complete(request("q").build(), DEADLINE).content()).isEqualTo("x");
  }

  @Test
  void resetMakesAnExhaustedChatPortAnswerByDefaultAgain() {
    fake.chat().enqueueText("only");
    fake.chat().complete(request("q").build(), DEADLINE);

    fake.reset();

    assertThat(fake.chat().complete(request("q").build(), DEADLINE).content())
        .isEqualTo("Echo: q");
  }

  @Test
  void latencyThatOutlastsTheDeadlineFailsAsATimeout() {
    fake.chat().latency(Duration.ofSeconds(30));
    fake.embeddingsPort().latency(Duration.ofMillis(1));

    assertThatThrownBy(
            () -> fake.chat().complete(request("q").build(), Deadline.after(Duration.ofMillis(20))))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("FakeChatPort's scripted latency of PT30S outlasted");
    assertThat(
            fake.embeddingsPort()
                .embed(EmbeddingRequest.builder().model("m").input("x").build(), DEADLINE)
                .embeddings())
        .hasSize(1);
  }

  @Test
  void anInterruptedLatencyFailsAsAnInterruptedCall() throws Exception {
    fake.streams().latency(Duration.ofMinutes(1));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                fake.streams().open(request("q").build(), DEADLINE);
              } catch (RuntimeException e) {
                failure.set(e);
              }
            });
    caller.start();
    while (fake.streams().requests().isEmpty()) {
      Thread.onSpinWait();
    }

    caller.interrupt();
    caller.join(10_000);

    assertThat(failure.get()).isInstanceOf(CallInterruptedException.class);
  }

  @Test
  void rejectsANegativeLatencyAndEmptyToolCalls() {
    assertThatThrownBy(() -> fake.chat().latency(Duration.ofMillis(-1)))
        .hasMessageContaining("latency must not be negative");
    assertThatThrownBy(() -> fake.chat().enqueueToolCalls())
        .hasMessageContaining("at least one tool call");
    assertThatThrownBy(() -> fake.streams().enqueueToolCalls())
        .hasMessageContaining("at least one tool call");
  }
}
