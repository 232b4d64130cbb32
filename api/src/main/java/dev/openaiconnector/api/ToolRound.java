package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;

/**
 * One round of the tool loop: the model's message asking for tool calls, the results sent back
 * (in the order of the calls), and the tokens that round's call used.
 *
 * @param request the assistant message with the tool calls
 * @param results one tool message per call, in the order of the calls
 * @param usage the tokens of the model call that asked for these tools
 */
public record ToolRound(AssistantMessage request, List<ToolMessage> results, TokenUsage usage) {
  /** Copies the results and checks the components are present. */
  public ToolRound {
    Objects.requireNonNull(request, "request");
    results = List.copyOf(Objects.requireNonNull(results, "results"));
    Objects.requireNonNull(usage, "usage");
  }
}
