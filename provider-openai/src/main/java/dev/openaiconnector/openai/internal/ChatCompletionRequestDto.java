package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /chat/completions}; null fields are left out of the JSON. {@code
 * toolChoice} is a string ({@code auto}, {@code none}, {@code required}) or a {@link
 * NamedToolChoiceDto}. {@code stream} and {@code streamOptions} are set by {@link #streaming()}
 * only. {@code model} is null where the URL names the model, as in Azure's deployments layout.
 */
public record ChatCompletionRequestDto(
    @Nullable String model,
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
    @Nullable ResponseFormatDto responseFormat,
    @Nullable List<ToolDto> tools,
    @Nullable Object toolChoice,
    @Nullable Boolean parallelToolCalls,
    @Nullable Boolean stream,
    @Nullable StreamOptionsDto streamOptions) {

  private static final StreamOptionsDto INCLUDE_USAGE = new StreamOptionsDto(true);

  /**
   * Returns this request as a streamed one: {@code "stream": true} and {@code "stream_options":
   * {"include_usage": true}}, so that the stream ends with the usage and is never counted as free.
   *
   * @return the streamed request
   */
  public ChatCompletionRequestDto streaming() {
    return new ChatCompletionRequestDto(
        model,
        messages,
        temperature,
        topP,
        maxCompletionTokens,
        maxTokens,
        frequencyPenalty,
        presencePenalty,
        stop,
        seed,
        n,
        user,
        responseFormat,
        tools,
        toolChoice,
        parallelToolCalls,
        true,
        INCLUDE_USAGE);
  }

  /** Options of a streamed request. */
  public record StreamOptionsDto(boolean includeUsage) {}

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

  /** The response format; {@code json_schema} only for structured output. */
  public record ResponseFormatDto(String type, @Nullable JsonSchemaDto jsonSchema) {}

  /** A named JSON Schema, parsed from the caller's text so that only valid JSON is sent. */
  public record JsonSchemaDto(String name, JsonNode schema, boolean strict) {}

  /** A tool the model may call. */
  public record ToolDto(String type, FunctionDefinitionDto function) {}

  /** A function's definition; the parameters schema is parsed from the caller's text. */
  public record FunctionDefinitionDto(
      String name, String description, JsonNode parameters, boolean strict) {}

  /** A tool choice that names one function. */
  public record NamedToolChoiceDto(String type, NamedFunctionDto function) {}

  /** The function a named tool choice names. */
  public record NamedFunctionDto(String name) {}
}
