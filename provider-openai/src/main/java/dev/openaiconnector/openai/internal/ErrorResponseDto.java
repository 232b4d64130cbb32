package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** The OpenAI error body: {@code {"error": {"message", "type", "param", "code"}}}. */
public record ErrorResponseDto(@Nullable ErrorDto error) {
  /**
   * The error; {@code code} is a string on OpenAI and sometimes a number elsewhere. Azure adds an
   * inner error with its content filter's verdicts: named {@code innererror} by the service and
   * {@code inner_error} by its API description, so both are read.
   */
  public record ErrorDto(
      @Nullable String message,
      @Nullable String type,
      @Nullable String param,
      @Nullable JsonNode code,
      @Nullable JsonNode innererror,
      @Nullable JsonNode innerError) {}
}
