package dev.openaiconnector.openai.internal;

/** A function call, in requests (assistant history) and responses alike. */
public record ToolCallDto(String id, String type, FunctionDto function) {
  /** The function's name and its arguments as a JSON string. */
  public record FunctionDto(String name, String arguments) {}
}
