package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.UnexpectedResponseException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ChatDeltaAssemblerTest {
  private final ChatDeltaAssembler assembler = new ChatDeltaAssembler("fake");

  @Test
  void concatenatesTextAndTakesIdsFinishReasonAndUsage() {
    accept(
        ChatDelta.ofContent(""),
        ChatDelta.ofContent("Hello, "),
        ChatDelta.ofContent("Alice"),
        delta(0, null, null, List.of(), FinishReason.STOP, null),
        delta(0, null, null, List.of(), null, TokenUsage.of(12, 3)));

    ChatResponse response = assembler.toResponse("chatcmpl-1", "gpt-4o-mini-2024", "req-1", RateLimits.NONE);

    assertThat(response.content()).isEqualTo("Hello, Alice");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.usage()).isEqualTo(TokenUsage.of(12, 3));
    assertThat(response.id()).isEqualTo("chatcmpl-1");
    assertThat(response.model()).isEqualTo("gpt-4o-mini-2024");
    assertThat(response.requestId()).contains("req-1");
    assertThat(response.message()).isEqualTo(AssistantMessage.of("Hello, Alice"));
    assertThat(assembler.hasUsage()).isTrue();
    assertThat(assembler.missesFinishReason()).isFalse();
  }

  @Test
  void concatenatesARefusalWithoutText() {
    accept(
        delta(0, "", null, List.of(), null, null),
        delta(0, null, "I can't ", List.of(), null, null),
        delta(0, null, "help with that.", List.of(), FinishReason.STOP, null));

    AssistantMessage message = assembler.toResponse("id", "m", null, RateLimits.NONE).message();

    assertThat(message.refusal()).isEqualTo("I can't help with that.");
    assertThat(message.content()).isNull();
  }

  @Test
  void rebuildsInterleavedParallelToolCallsByIndex() {
    accept(
        delta(0, null, null, List.of(new ToolCallDelta(0, "call_a", "get_weather", "")), null),
        delta(0, null, null, List.of(new ToolCallDelta(1, "call_b", "get_time", "{\"tz\"")), null),
        delta(0, null, null, List.of(new ToolCallDelta(0, null, null, "{\"city\":")), null),
        delta(0, null, null, List.of(new ToolCallDelta(1, null, null, ":\"CET\"}")), null),
        delta(
            0,
            null,
            null,
            List.of(new ToolCallDelta(0, null, null, "\"Paris\"}")),
            FinishReason.TOOL_CALLS));

    ChatResponse response = assembler.toResponse("id", "m", null, RateLimits.NONE);

    assertThat(response.message())
        .isEqualTo(
            new AssistantMessage(
                null,
                List.of(
                    new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                    new ToolCall("call_b", "get_time", "{\"tz\":\"CET\"}")),
                null));
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void ordersToolCallsByIndexWhateverTheOrderTheyStarted() {
    accept(
        delta(0, null, null, List.of(new ToolCallDelta(1, "call_b", "second", "{}")), null),
        delta(0, null, null, List.of(new ToolCallDelta(0, "call_a", "first", "{}")), null));

    assertThat(assembler.toResponse("id", "m", null, RateLimits.NONE).message().toolCalls())
        .extracting(ToolCall::id)
        .containsExactly("call_a", "call_b");
  }

  @Test
  void keepsTheIdAndNameOfTheFirstFragmentThatCarriesThem() {
    accept(
        delta(0, null, null, List.of(new ToolCallDelta(0, "call_a", "get_weather", "{")), null),
        delta(0, null, null, List.of(new ToolCallDelta(0, "", "other", "}")), null));

    assertThat(assembler.toResponse("id", "m", null, RateLimits.NONE).message().toolCalls())
        .containsExactly(new ToolCall("call_a", "get_weather", "{}"));
  }

  @Test
  void dropsAnEmptyTextBesideToolCallsAsAPlainAnswerHasIt() {
    accept(
        delta(0, "", null, List.of(new ToolCallDelta(0, "call_a", "get_weather", "{}")), null));

    assertThat(assembler.toResponse("id", "m", null, RateLimits.NONE).message().content()).isNull();
  }

  @Test
  void keepsAnEmptyTextThatIsTheWholeAnswer() {
    accept(delta(0, "", null, List.of(), FinishReason.LENGTH, null));

    assertThat(assembler.toResponse("id", "m", null, RateLimits.NONE).message().content()).isEmpty();
  }

  @Test
  void assemblesEveryChoiceInIndexOrder() {
    accept(
        delta(1, "Bonjour", null, List.of(), null, null),
        delta(0, "Hello", null, List.of(), null, null),
        delta(1, " Alice", null, List.of(), FinishReason.STOP, null),
        delta(0, " Alice", null, List.of(), FinishReason.LENGTH, null),
        delta(0, null, null, List.of(), null, TokenUsage.of(5, 8)));

    ChatResponse response = assembler.toResponse("id", "m", null, RateLimits.NONE);

    assertThat(response.choices())
        .containsExactly(
            new Choice(0, AssistantMessage.of("Hello Alice"), FinishReason.LENGTH),
            new Choice(1, AssistantMessage.of("Bonjour Alice"), FinishReason.STOP));
    assertThat(response.usage()).isEqualTo(TokenUsage.of(5, 8));
  }

  @Test
  void keepsAFinishReasonTheLibraryDoesNotKnow() {
    accept(delta(0, "Hi", null, List.of(), FinishReason.of("guardrail_stop"), null));

    FinishReason reason = assembler.toResponse("id", "m", null, RateLimits.NONE).finishReason();

    assertThat(reason.value()).isEqualTo("guardrail_stop");
    assertThat(reason.isKnown()).isFalse();
  }

  @Test
  void marksAChoiceThatNeverGotAFinishReason() {
    accept(ChatDelta.ofContent("Hi"));

    ChatResponse response = assembler.toResponse("id", "m", null, RateLimits.NONE);

    assertThat(response.finishReason()).isEqualTo(ChatDeltaAssembler.MISSING_FINISH_REASON);
    assertThat(response.finishReason().value()).isEqualTo("unknown");
    assertThat(assembler.missesFinishReason()).isTrue();
  }

  @Test
  void countsZeroTokensAndTellsWhenNoDeltaCarriedUsage() {
    accept(delta(0, "Hi", null, List.of(), FinishReason.STOP, null));

    assertThat(assembler.toResponse("id", "m", null, RateLimits.NONE).usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(assembler.hasUsage()).isFalse();
  }

  @Test
  void rejectsAStreamWithoutAnyChoice() {
    accept(delta(0, null, null, List.of(), null, TokenUsage.of(5, 0)));

    assertThatThrownBy(() -> assembler.toResponse("id", "m", null, RateLimits.NONE))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("'fake' ended a stream without any choice");
  }

  @Test
  void rejectsAToolCallThatNeverGotItsName() {
    accept(delta(0, null, null, List.of(new ToolCallDelta(0, "call_a", null, "{}")), null));

    assertThatThrownBy(() -> assembler.toResponse("id", "m", null, RateLimits.NONE))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("tool call #0 of choice 0 without its name");
  }

  private void accept(ChatDelta... deltas) {
    for (ChatDelta delta : deltas) {
      assembler.accept(delta);
    }
  }

  private static ChatDelta delta(
      int choice,
      @Nullable String content,
      @Nullable String refusal,
      List<ToolCallDelta> toolCalls,
      @Nullable FinishReason finishReason) {
    return new ChatDelta(choice, content, refusal, toolCalls, finishReason, null);
  }

  private static ChatDelta delta(
      int choice,
      @Nullable String content,
      @Nullable String refusal,
      List<ToolCallDelta> toolCalls,
      @Nullable FinishReason finishReason,
      @Nullable TokenUsage usage) {
    return new ChatDelta(choice, content, refusal, toolCalls, finishReason, usage);
  }
}
