package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.PromptFilterDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.UsageDto;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code chat.completion.chunk} of a streamed chat completion; unknown fields (such as {@code
 * logprobs}) are ignored. Azure's content filter verdicts ({@code prompt_filter_results} on its
 * first chunk, {@code content_filter_results} on choices) stay null for OpenAI. {@code error} is set instead of
 * the rest when the server reports a failure inside the stream; it is a tree because compatible
 * servers send an object, a string, or an object whose {@code code} is an HTTP status.
 *
 * <p>Every record says {@code ignoreUnknown} although the mapper already ignores unknown fields:
 * for a record (a creator with properties) Jackson otherwise buffers each unknown field's tokens
 * to replay them after the constructor ran, about a quarter of the time of a chunk (measured).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionChunkDto(
    @Nullable String id,
    @Nullable String model,
    @Nullable List<ChunkChoiceDto> choices,
    @Nullable UsageDto usage,
    @Nullable JsonNode error,
    @Nullable List<PromptFilterDto> promptFilterResults) {

  /** One choice's part of the chunk. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ChunkChoiceDto(
      int index,
      @Nullable DeltaDto delta,
      @Nullable String finishReason,
      @Nullable JsonNode contentFilterResults) {}

  /** What the chunk adds to the choice's message. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record DeltaDto(
      @Nullable String content,
      @Nullable String refusal,
      @Nullable List<ToolCallChunkDto> toolCalls) {}

  /** A fragment of a tool call: id and name on the first, arguments in pieces. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ToolCallChunkDto(
      int index, @Nullable String id, @Nullable FunctionChunkDto function) {}

  /** A fragment of a function call. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FunctionChunkDto(@Nullable String name, @Nullable String arguments) {}
}
