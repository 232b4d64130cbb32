package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** The OpenAI error body: {@code {"error": {"message", "type", "param", "code"}}}. */
public record ErrorResponseDto(@Nullable ErrorDto error) {
  /** The error; {@code code} is a string on OpenAI and sometimes a number elsewhere. */
  public record ErrorDto(
      @Nullable String message,
      @Nullable String type,
      @Nullable String param,
      @Nullable JsonNode code) {}
}
