package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of a successful {@code POST /chat/completions}; unknown fields are ignored. Each record
 * says so itself: Jackson otherwise buffers unknown fields of records, measured at about a quarter
 * of the parse time for stream chunks.
 *
 * <p>Azure's content filter verdicts ({@code prompt_filter_results}, each choice's {@code
 * content_filter_results}) stay null for OpenAI, so they cost nothing there; they are trees
 * because Azure adds categories over time.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionResponseDto(
    @Nullable String id,
    @Nullable String model,
    @Nullable List<ChoiceDto> choices,
    @Nullable UsageDto usage,
    @Nullable String systemFingerprint,
    @Nullable List<PromptFilterDto> promptFilterResults) {

  /** One choice. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ChoiceDto(
      int index,
      @Nullable MessageDto message,
      @Nullable String finishReason,
      @Nullable JsonNode contentFilterResults) {}

  /** Azure's content filter verdicts on one prompt, by category. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PromptFilterDto(int promptIndex, @Nullable JsonNode contentFilterResults) {}

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
