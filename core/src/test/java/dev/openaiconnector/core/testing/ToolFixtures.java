package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.api.ToolExecutor;
import dev.openaiconnector.api.ToolMessage;
import java.util.ArrayList;
import java.util.List;

/** Scripted model answers and raw tools for the tool-loop tests. */
public final class ToolFixtures {
  /** The model every test request names. */
  public static final String MODEL = "gpt-4o-mini";

  /** The usage of a scripted answer unless a test gives another. */
  public static final TokenUsage ROUND_USAGE = TokenUsage.of(10, 5);

  private ToolFixtures() {}

  /**
   * A model answer that asks for tool calls.
   *
   * @param usage the answer's usage
   * @param calls the calls
   * @return the response
   */
  public static ChatResponse callsTools(TokenUsage usage, ToolCall... calls) {
    return ChatResponse.builder()
        .id("chatcmpl-calls")
        .model(MODEL)
        .choice(
            new Choice(
                0, new AssistantMessage(null, List.of(calls), null), FinishReason.TOOL_CALLS))
        .usage(usage)
        .build();
  }

  /**
   * A model answer that asks for tool calls, with {@link #ROUND_USAGE}.
   *
   * @param calls the calls
   * @return the response
   */
  public static ChatResponse callsTools(ToolCall... calls) {
    return callsTools(ROUND_USAGE, calls);
  }

  /**
   * A final model answer.
   *
   * @param text the text
   * @param usage the answer's usage
   * @return the response
   */
  public static ChatResponse answers(String text, TokenUsage usage) {
    return ChatResponse.builder()
        .id("chatcmpl-final")
        .model(MODEL)
        .choice(new Choice(0, AssistantMessage.of(text), FinishReason.STOP))
        .usage(usage)
        .requestId("req-final")
        .build();
  }

  /**
   * A final model answer with {@link #ROUND_USAGE}.
   *
   * @param text the text
   * @return the response
   */
  public static ChatResponse answers(String text) {
    return answers(text, ROUND_USAGE);
  }

  /**
   * A raw tool with an object schema.
   *
   * @param name the name
   * @param executor what a call runs
   * @return the tool
   */
  public static Tool tool(String name, ToolExecutor executor) {
    return Tool.of(
        new ToolDefinition(name, "Test tool " + name, "{\"type\":\"object\"}", false), executor);
  }

  /**
   * A call of the weather tool.
   *
   * @param id the call id
   * @param city the city argument
   * @return the call
   */
  public static ToolCall weatherCall(String id, String city) {
    return new ToolCall(id, "get_weather", "{\"city\":\"" + city + "\"}");
  }

  /**
   * A request for the model with the given tools.
   *
   * @param tools the tools
   * @return a builder holding a user message, the model and the tools
   */
  public static ChatRequest.Builder request(Tool... tools) {
    return ChatRequest.builder()
        .model(MODEL)
        .user("What is the weather in Paris?")
        .tools(List.of(tools));
  }

  /**
   * Returns the tool messages at the end of a request, the results of the round before it.
   *
   * @param request the request
   * @return the trailing tool messages, in order
   */
  public static List<ToolMessage> trailingToolMessages(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    int start = messages.size();
    while (start > 0 && messages.get(start - 1) instanceof ToolMessage) {
      start--;
    }
    List<ToolMessage> results = new ArrayList<>();
    for (ChatMessage message : messages.subList(start, messages.size())) {
      results.add((ToolMessage) message);
    }
    return results;
  }
}
