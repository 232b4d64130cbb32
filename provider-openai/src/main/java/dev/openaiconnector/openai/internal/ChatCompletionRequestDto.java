package dev.openaiconnector.openai.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The body of {@code POST /chat/completions}; null fields are left out of the JSON. */
public record ChatCompletionRequestDto(
    String model,
    List<MessageDto> messages,
    @Nullable Double temperature,
    @Nullable Double topP,
    @Nullable Integer maxCompletionTokens,
    @Nullable Integer maxTokens,
    @Nullable Double frequencyPenalty,
    @Nullable Double presencePenalty,
    @Nullable List<String> stop,
    @Nullable Long seed,
    @Nullable Integer n,
    @Nullable String user,
    @Nullable ResponseFormatDto responseFormat) {

  /**
   * A message; {@code content} is a string, a list of {@link PartDto}, or null for an assistant
   * message that only calls tools.
   */
  public record MessageDto(
      String role,
      @Nullable Object content,
      @Nullable List<ToolCallDto> toolCalls,
      @Nullable String toolCallId) {}

  /** A content part: {@code text} or {@code image_url}. */
  public record PartDto(String type, @Nullable String text, @Nullable ImageUrlDto imageUrl) {}

  /** An image reference: an https URL or a base64 data URL. */
  public record ImageUrlDto(String url, String detail) {}

  /** The response format. */
  public record ResponseFormatDto(String type) {}
}
