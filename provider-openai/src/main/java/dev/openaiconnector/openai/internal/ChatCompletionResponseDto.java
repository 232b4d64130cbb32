package dev.openaiconnector.openai.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The body of a successful {@code POST /chat/completions}; unknown fields are ignored. */
public record ChatCompletionResponseDto(
    @Nullable String id,
    @Nullable String model,
    @Nullable List<ChoiceDto> choices,
    @Nullable UsageDto usage,
    @Nullable String systemFingerprint) {

  /** One choice. */
  public record ChoiceDto(int index, @Nullable MessageDto message, @Nullable String finishReason) {}

  /** The assistant's message. */
  public record MessageDto(
      @Nullable String content, @Nullable String refusal, @Nullable List<ToolCallDto> toolCalls) {}

  /** Token usage. */
  public record UsageDto(
      long promptTokens,
      long completionTokens,
      long totalTokens,
      @Nullable PromptDetailsDto promptTokensDetails,
      @Nullable CompletionDetailsDto completionTokensDetails) {}

  /** Details of the prompt tokens. */
  public record PromptDetailsDto(long cachedTokens) {}

  /** Details of the completion tokens. */
  public record CompletionDetailsDto(long reasoningTokens) {}
}
