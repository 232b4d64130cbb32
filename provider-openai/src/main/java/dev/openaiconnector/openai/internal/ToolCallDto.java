package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A function call, in requests (assistant history) and responses alike. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ToolCallDto(String id, String type, FunctionDto function) {
  /** The function's name and its arguments as a JSON string. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FunctionDto(String name, String arguments) {}
}
