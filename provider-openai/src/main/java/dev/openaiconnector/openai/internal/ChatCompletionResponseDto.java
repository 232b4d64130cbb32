package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of a successful {@code POST /chat/completions}; unknown fields are ignored. Each record
 * says so itself: Jackson otherwise buffers unknown fields of records, measured at about a quarter
 * of the parse time for stream chunks.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionResponseDto(
    @Nullable String id,
    @Nullable String model,
    @Nullable List<ChoiceDto> choices,
    @Nullable UsageDto usage,
    @Nullable String systemFingerprint) {

  /** One choice. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ChoiceDto(int index, @Nullable MessageDto message, @Nullable String finishReason) {}

  /** The assistant's message. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MessageDto(
      @Nullable String content, @Nullable String refusal, @Nullable List<ToolCallDto> toolCalls) {}

  /** Token usage. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record UsageDto(
      long promptTokens,
      long completionTokens,
      long totalTokens,
      @Nullable PromptDetailsDto promptTokensDetails,
      @Nullable CompletionDetailsDto completionTokensDetails) {}

  /** Details of the prompt tokens. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PromptDetailsDto(long cachedTokens) {}

  /** Details of the completion tokens. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CompletionDetailsDto(long reasoningTokens) {}
}
