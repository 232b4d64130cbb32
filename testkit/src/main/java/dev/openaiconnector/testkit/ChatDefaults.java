package dev.openaiconnector.testkit;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.testkit.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fake ports' unscripted chat answers, the same as {@link FakeOpenAiServer}'s (see {@link
 * OpenAiRoutes}) but on the api's types: tool calls with sample arguments, a sample of a {@code
 * json_schema} format, an echo of the tool results or of the last user message.
 */
final class ChatDefaults {
  /** Streamed tool-call arguments come in pieces this long, as from the fake server. */
  static final int ARGUMENTS_PIECE = 8;

  private ChatDefaults() {}

  static ChatResponse answer(ChatRequest request) {
    List<ToolCall> calls = toolCalls(request);
    int n = request.n() == null ? 1 : request.n();
    List<Choice> choices = new ArrayList<>(n);
    long completionChars;
    if (!calls.isEmpty()) {
      completionChars = 0;
      for (ToolCall call : calls) {
        completionChars += call.name().length() + call.arguments().length();
      }
      for (int i = 0; i < n; i++) {
        choices.add(
            new Choice(i, new AssistantMessage(null, calls, null), FinishReason.TOOL_CALLS));
      }
    } else {
      String reply = reply(request);
      FinishReason finish = FinishReason.STOP;
      Integer limit = request.maxTokens();
      if (limit != null && tokens(reply.length()) > limit) {
        reply = cut(reply, limit * 4);
        finish = FinishReason.LENGTH;
      }
      completionChars = reply.length();
      for (int i = 0; i < n; i++) {
        choices.add(new Choice(i, AssistantMessage.of(reply), finish));
      }
    }
    return ChatResponse.builder()
        .id("chatcmpl-fake-" + Integer.toHexString(request.messages().hashCode()))
        .model(request.model())
        .choices(choices)
        .usage(TokenUsage.of(tokens(promptChars(request)), n * tokens(completionChars)))
        .build();
  }

  /**
   * The deltas of an answer as a stream plays them: per choice its text one word at a time (or its
   * tool calls: id and name, then the arguments in pieces), its finish reason; then the usage.
   */
  static List<ChatDelta> deltas(ChatResponse response) {
    List<ChatDelta> deltas = new ArrayList<>();
    for (Choice choice : response.choices()) {
      int index = choice.index();
      AssistantMessage message = choice.message();
      if (message.hasToolCalls()) {
        for (int c = 0; c < message.toolCalls().size(); c++) {
          ToolCall call = message.toolCalls().get(c);
          deltas.add(toolDelta(index, new ToolCallDelta(c, call.id(), call.name(), "")));
          for (String piece : OpenAiRoutes.pieces(call.arguments(), ARGUMENTS_PIECE)) {
            deltas.add(toolDelta(index, new ToolCallDelta(c, null, null, piece)));
          }
        }
      } else {
        for (String word : words(message.text())) {
          deltas.add(new ChatDelta(index, word, null, List.of(), null, null));
        }
      }
      deltas.add(new ChatDelta(index, null, null, List.of(), choice.finishReason(), null));
    }
    deltas.add(new ChatDelta(0, null, null, List.of(), null, response.usage()));
    return deltas;
  }

  /** Cuts a text before each whitespace, so that joining the pieces gives it back. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.split("(?=\\s)")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  private static ChatDelta toolDelta(int index, ToolCallDelta delta) {
    return new ChatDelta(index, null, null, List.of(delta), null, null);
  }

  /**
   * The calls the fake makes when the conversation ends with a user message and tools are
   * offered: the named one, else every tool in order (only the first without parallel calls);
   * none for {@link ToolChoice#none()}. Ids count the rounds, so that each round's differ.
   */
  static List<ToolCall> toolCalls(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    List<Tool> tools = request.tools();
    ToolChoice choice = request.toolChoice();
    if (tools.isEmpty()
        || messages.isEmpty()
        || !(messages.get(messages.size() - 1) instanceof UserMessage)
        || (choice != null && choice.mode() == ToolChoice.Mode.NONE)) {
      return List.of();
    }
    List<Tool> chosen = new ArrayList<>();
    String named = choice == null ? null : choice.toolName().orElse(null);
    for (Tool tool : tools) {
      if (named == null || tool.name().equals(named)) {
        chosen.add(tool);
      }
    }
    if (Boolean.FALSE.equals(request.parallelToolCalls()) && chosen.size() > 1) {
      chosen = chosen.subList(0, 1);
    }
    int round = round(request);
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      Tool tool = chosen.get(i);
      String arguments =
          sample(tool.definition().parametersSchema(), tool.definition().strict(), tool.name());
      calls.add(new ToolCall(callId(round, i), tool.name(), arguments));
    }
    return calls;
  }

  static String callId(int round, int index) {
    return "call_fake_" + round + "_" + index;
  }

  /** The round a request's answer is in: one more than its assistant messages. */
  static int round(ChatRequest request) {
    int round = 1;
    for (ChatMessage message : request.messages()) {
      round += message instanceof AssistantMessage ? 1 : 0;
    }
    return round;
  }

  private static String reply(ChatRequest request) {
    ResponseFormat format = request.responseFormat();
    if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
      return sample(format.schema().orElse("{}"), format.strict(), "the response format");
    }
    String results = toolResults(request.messages());
    String echo = results != null ? results : lastUserText(request.messages());
    return format.type() == ResponseFormat.Type.JSON_OBJECT
        ? Json.write(Json.object("echo", echo))
        : "Echo: " + echo;
  }

  private static String sample(String schemaJson, boolean strict, String owner) {
    Object schema = Json.parse(schemaJson);
    if (!(schema instanceof Map) || ((Map<?, ?>) schema).isEmpty()) {
      return "{}";
    }
    try {
      return Json.write(SchemaSamples.sample((Map<?, ?>) schema, strict));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "The fake cannot sample the schema of " + owner + ": " + e.getMessage(), e);
    }
  }

  private static @Nullable String toolResults(List<ChatMessage> messages) {
    int first = messages.size();
    while (first > 0 && messages.get(first - 1) instanceof ToolMessage) {
      first--;
    }
    if (first == messages.size()) {
      return null;
    }
    List<String> results = new ArrayList<>();
    for (ChatMessage message : messages.subList(first, messages.size())) {
      results.add(((ToolMessage) message).content());
    }
    return "tool results: " + String.join("; ", results);
  }

  private static String lastUserText(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage) {
        List<String> texts = new ArrayList<>();
        int images = 0;
        for (ContentPart part : ((UserMessage) messages.get(i)).parts()) {
          if (part instanceof TextPart) {
            texts.add(((TextPart) part).text());
          } else if (part instanceof ImagePart) {
            images++;
          }
        }
        String echo = String.join(" ", texts);
        if (images > 0) {
          String count = "[" + images + (images == 1 ? " image]" : " images]");
          echo = echo.isEmpty() ? count : echo + " " + count;
        }
        return echo;
      }
    }
    return "(no user message)";
  }

  static long promptChars(ChatRequest request) {
    long chars = 0;
    for (ChatMessage message : request.messages()) {
      chars += message.text().length();
    }
    return chars;
  }

  static long tokens(long chars) {
    return (chars + 3) / 4;
  }

  private static String cut(String text, int length) {
    int end = Math.min(length, text.length());
    if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
