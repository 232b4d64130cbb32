package dev.openaiconnector.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.StructuredOutputException;
import dev.openaiconnector.api.StructuredResponse;
import java.util.List;
import java.util.Objects;

/**
 * Structured output: the response format that asks for a Java type, and the reading of the answer
 * into that type.
 *
 * <p>Answers may hold personal data, so exception messages name paths and types only; the content
 * is on {@link StructuredOutputException#rawContent()}, and Jackson's exceptions, which quote it,
 * are not attached as causes.
 */
public final class StructuredOutputs {
  private static final int MAX_NAME_LENGTH = 64;

  private StructuredOutputs() {}

  /**
   * Returns the strict {@code json_schema} response format of a type, named after the type.
   *
   * @param type a record or a class with fields
   * @return the response format
   * @throws IllegalArgumentException if the type is not an object type or has a property without a
   *     schema
   */
  public static ResponseFormat responseFormat(Class<?> type) {
    JsonSchema schema = JsonSchemas.forType(type, true);
    return ResponseFormat.jsonSchema(schemaName(type), schema.json(), true);
  }

  /**
   * Reads the first answer of a response as an instance of a type.
   *
   * @param response the response to a request made with {@link #responseFormat(Class)}
   * @param type the type asked for
   * @param <T> the type
   * @return the value, or the model's refusal
   * @throws StructuredOutputException if the answer is empty, is not JSON, does not match the
   *     type's schema or does not fit the type
   */
  public static <T> StructuredResponse<T> read(ChatResponse response, Class<T> type) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(type, "type");
    AssistantMessage message = response.message();
    String refusal = message.refusal();
    if (refusal != null) {
      return StructuredResponse.refused(refusal, response);
    }
    String content = message.text();
    String typeName = type.getSimpleName();
    if (content.isBlank()) {
      throw new StructuredOutputException(
          "the answer is empty; expected a JSON object for " + typeName + truncation(response),
          content,
          null);
    }
    JsonNode tree;
    try {
      tree = JsonMapping.parse(content);
    } catch (JsonMapping.InvalidJsonException e) {
      throw new StructuredOutputException(
          "the answer is not valid JSON" + truncation(response), content, null);
    }
    List<String> problems = JsonSchemas.forType(type, true).validate(tree);
    if (!problems.isEmpty()) {
      throw new StructuredOutputException(
          "the answer does not match the schema of "
              + typeName
              + ": "
              + String.join("; ", problems),
          content,
          null);
    }
    Object value;
    try {
      value = JsonMapping.bind(tree, type, "$");
    } catch (JsonMapping.InvalidJsonException e) {
      throw new StructuredOutputException(
          "the answer does not fit " + typeName + ": " + e.getMessage(), content, null);
    }
    return StructuredResponse.of(type.cast(Objects.requireNonNull(value)), response);
  }

  private static String truncation(ChatResponse response) {
    return response.finishReason().equals(FinishReason.LENGTH)
        ? " (the model hit the token limit, finish_reason=length; raise maxTokens)"
        : "";
  }

  // The API wants ^[a-zA-Z0-9_-]{1,64}$; an anonymous class has no simple name at all.
  private static String schemaName(Class<?> type) {
    String name = type.getSimpleName().replaceAll("[^a-zA-Z0-9_-]", "_");
    if (name.isEmpty()) {
      return "response";
    }
    return name.length() > MAX_NAME_LENGTH ? name.substring(0, MAX_NAME_LENGTH) : name;
  }
}
