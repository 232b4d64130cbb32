package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.openai.MaxTokensField;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.FunctionDefinitionDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.ImageUrlDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.JsonSchemaDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.MessageDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.NamedFunctionDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.NamedToolChoiceDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.PartDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.ResponseFormatDto;
import dev.openaiconnector.openai.internal.ChatCompletionRequestDto.ToolDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.ChoiceDto;
import dev.openaiconnector.openai.internal.ChatCompletionResponseDto.UsageDto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Maps chat requests and responses between the api types and the OpenAI wire DTOs. */
public final class ChatMapping {
  private static final ObjectReader SCHEMA_READER =
      new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ResponseFormatDto JSON_OBJECT = new ResponseFormatDto("json_object", null);

  private final MaxTokensField maxTokensField;

  /**
   * Creates the mapping.
   *
   * @param maxTokensField the field that carries the token limit
   */
  public ChatMapping(MaxTokensField maxTokensField) {
    this.maxTokensField = maxTokensField;
  }

  /**
   * Maps a request to its wire form.
   *
   * @param request the request, already validated
   * @param model the body's {@code model}, from {@code Endpoints#bodyModel}; null leaves it out
   * @return the body to send
   */
  public ChatCompletionRequestDto toDto(ChatRequest request, @Nullable String model) {
    List<ChatMessage> messages = request.messages();
    List<MessageDto> wireMessages = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      wireMessages.add(toDto(message));
    }
    Integer maxTokens = request.maxTokens();
    boolean legacyField = maxTokensField == MaxTokensField.MAX_TOKENS;
    return new ChatCompletionRequestDto(
        model,
        wireMessages,
        request.temperature(),
        request.topP(),
        legacyField ? null : maxTokens,
        legacyField ? maxTokens : null,
        request.frequencyPenalty(),
        request.presencePenalty(),
        request.stop().isEmpty() ? null : request.stop(),
        request.seed(),
        request.n(),
        request.endUserId(),
        responseFormat(request.responseFormat()),
        tools(request.tools()),
        toolChoice(request.toolChoice()),
        request.parallelToolCalls(),
        null,
        null);
  }

  private static @Nullable ResponseFormatDto responseFormat(ResponseFormat format) {
    switch (format.type()) {
      case JSON_OBJECT:
        return JSON_OBJECT;
      case JSON_SCHEMA:
        return new ResponseFormatDto(
            "json_schema",
            new JsonSchemaDto(
                format.schemaName().orElseThrow(),
                schema(format.schema().orElseThrow(), "responseFormat's json_schema.schema"),
                format.strict()));
      default:
        // text is the API's default: leaving it out keeps requests valid for servers without it
        return null;
    }
  }

  private static @Nullable List<ToolDto> tools(List<Tool> tools) {
    if (tools.isEmpty()) {
      return null;
    }
    List<ToolDto> wire = new ArrayList<>(tools.size());
    for (Tool tool : tools) {
      ToolDefinition definition = tool.definition();
      wire.add(
          new ToolDto(
              "function",
              new FunctionDefinitionDto(
                  definition.name(),
                  definition.description(),
                  schema(
                      definition.parametersSchema(),
                      "parametersSchema of tool '" + definition.name() + "'"),
                  definition.strict())));
    }
    return wire;
  }

  // Schemas arrive as text from the caller: parsed here, so a broken one is refused before the
  // call, naming the field, instead of corrupting the request body.
  private static JsonNode schema(String json, String field) {
    JsonNode schema;
    try {
      schema = SCHEMA_READER.readTree(json);
    } catch (IOException e) {
      throw new RequestValidationException(
          List.of(field + " is not valid JSON (" + e.getClass().getSimpleName() + ")"));
    }
    if (schema == null || !schema.isObject()) {
      throw new RequestValidationException(List.of(field + " must be a JSON object"));
    }
    return schema;
  }

  private static @Nullable Object toolChoice(@Nullable ToolChoice choice) {
    if (choice == null) {
      return null;
    }
    switch (choice.mode()) {
      case NAMED:
        return new NamedToolChoiceDto(
            "function", new NamedFunctionDto(choice.toolName().orElseThrow()));
      case NONE:
        return "none";
      case REQUIRED:
        return "required";
      default:
        return "auto";
    }
  }

  private static MessageDto toDto(ChatMessage message) {
    if (message instanceof SystemMessage) {
      return new MessageDto("system", ((SystemMessage) message).text(), null, null);
    }
    if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      // A single text part goes as a plain string: the shortest form every compatible server reads.
      // The part itself, not text(), which joins the parts through a stream on every call.
      Object content =
          user.isPlainText() ? ((TextPart) user.parts().get(0)).text() : toParts(user.parts());
      return new MessageDto("user", content, null, null);
    }
    if (message instanceof AssistantMessage) {
      AssistantMessage assistant = (AssistantMessage) message;
      return new MessageDto(
          "assistant", assistant.content(), toolCallsToDto(assistant.toolCalls()), null);
    }
    ToolMessage tool = (ToolMessage) message;
    return new MessageDto("tool", tool.content(), null, tool.toolCallId());
  }

  private static List<PartDto> toParts(List<ContentPart> parts) {
    List<PartDto> wireParts = new ArrayList<>(parts.size());
    for (ContentPart part : parts) {
      if (part instanceof TextPart) {
        wireParts.add(new PartDto("text", ((TextPart) part).text(), null));
      } else {
        ImagePart image = (ImagePart) part;
        wireParts.add(
            new PartDto(
                "image_url",
                null,
                new ImageUrlDto(image.toUrlString(), image.detail().wireValue())));
      }
    }
    return wireParts;
  }

  private static @Nullable List<ToolCallDto> toolCallsToDto(List<ToolCall> toolCalls) {
    if (toolCalls.isEmpty()) {
      return null;
    }
    List<ToolCallDto> wire = new ArrayList<>(toolCalls.size());
    for (ToolCall call : toolCalls) {
      wire.add(
          new ToolCallDto(
              call.id(), "function", new ToolCallDto.FunctionDto(call.name(), call.arguments())));
    }
    return wire;
  }

  /**
   * Maps a decoded response to the api type.
   *
   * @param dto the decoded body
   * @param requestId the provider's request id, or null
   * @param rateLimits the rate limits from the response headers
   * @param details what to attach to an exception if the body is unusable
   * @return the response
   * @throws UnexpectedResponseException if the body has no usable choice
   */
  public ChatResponse fromDto(
      ChatCompletionResponseDto dto,
      @Nullable String requestId,
      RateLimits rateLimits,
      ErrorDetails details) {
    List<ChoiceDto> wireChoices = dto.choices();
    if (wireChoices == null || wireChoices.isEmpty()) {
      throw new UnexpectedResponseException(
          "The chat completion has no choices", details, null);
    }
    List<Choice> choices = new ArrayList<>(wireChoices.size());
    for (ChoiceDto wire : wireChoices) {
      ChatCompletionResponseDto.MessageDto message = wire.message();
      if (message == null) {
        throw new UnexpectedResponseException(
            "Choice " + wire.index() + " of the chat completion has no message", details, null);
      }
      String finishReason = wire.finishReason();
      choices.add(
          new Choice(
              wire.index(),
              new AssistantMessage(
                  message.content(), toolCallsFromDto(message.toolCalls()), message.refusal()),
              // A compatible server may leave it out; say so rather than invent "stop".
              FinishReason.of(finishReason == null ? "unknown" : finishReason)));
    }
    return ChatResponse.builder()
        .id(dto.id() == null ? "" : dto.id())
        .model(dto.model() == null ? "" : dto.model())
        .choices(choices)
        .usage(usage(dto.usage()))
        .requestId(requestId)
        .systemFingerprint(dto.systemFingerprint())
        .rateLimits(rateLimits)
        .contentFilter(ContentFilters.fromCompletion(dto.promptFilterResults(), wireChoices))
        .build();
  }

  private static List<ToolCall> toolCallsFromDto(@Nullable List<ToolCallDto> wire) {
    if (wire == null || wire.isEmpty()) {
      return List.of();
    }
    List<ToolCall> calls = new ArrayList<>(wire.size());
    for (ToolCallDto call : wire) {
      calls.add(new ToolCall(call.id(), call.function().name(), call.function().arguments()));
    }
    return calls;
  }

  /**
   * Maps the wire usage, streamed or not, cached and reasoning tokens included.
   *
   * @param usage the wire usage, or null
   * @return the usage, {@link TokenUsage#ZERO} for null
   */
  static TokenUsage usage(@Nullable UsageDto usage) {
    if (usage == null) {
      return TokenUsage.ZERO;
    }
    long cached = usage.promptTokensDetails() == null ? 0 : usage.promptTokensDetails().cachedTokens();
    long reasoning =
        usage.completionTokensDetails() == null
            ? 0
            : usage.completionTokensDetails().reasoningTokens();
    return new TokenUsage(
        usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), cached, reasoning);
  }
}
