package dev.openaiconnector.testkit;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.testkit.internal.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a fake was asked, in the domain's terms, whether a {@link FakeProvider} saw api types or a
 * {@link FakeOpenAiServer} saw JSON: the chat calls (streamed or not) with their messages and
 * tools, the embedding batches and the image prompts. The domain assertions check this.
 *
 * @param chats the chat and stream calls, oldest first (a provider's plain calls before its
 *     streams)
 * @param embeddings the embedding batches, oldest first
 * @param images the image requests, oldest first
 */
record Received(List<ChatCall> chats, List<EmbeddingCall> embeddings, List<ImageCall> images) {

  /**
   * One chat call.
   *
   * @param model the model (on Azure's deployments layout, the deployment)
   * @param messages its messages, in order
   * @param tools the names of the tools it offered
   */
  record ChatCall(String model, List<Message> messages, List<String> tools) {}

  /**
   * One message of a chat call.
   *
   * @param role {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
   * @param text its text (a user's text parts joined by newlines)
   * @param toolName for a tool result, the name of the tool whose call it answers, if found
   */
  record Message(String role, String text, @Nullable String toolName) {}

  /**
   * One embedding batch.
   *
   * @param model the model
   * @param inputs the texts
   */
  record EmbeddingCall(String model, List<String> inputs) {}

  /**
   * One image request.
   *
   * @param model the model
   * @param prompt the prompt
   */
  record ImageCall(String model, String prompt) {}

  /** Every model named by any call, in order of first use. */
  List<String> models() {
    List<String> models = new ArrayList<>();
    for (ChatCall call : chats) {
      addOnce(models, call.model());
    }
    for (EmbeddingCall call : embeddings) {
      addOnce(models, call.model());
    }
    for (ImageCall call : images) {
      addOnce(models, call.model());
    }
    return models;
  }

  int count() {
    return chats.size() + embeddings.size() + images.size();
  }

  private static void addOnce(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  static Received of(FakeProvider fake) {
    List<ChatCall> chats = new ArrayList<>();
    for (ChatRequest request : fake.chat().requests()) {
      chats.add(chatCall(request));
    }
    for (ChatRequest request : fake.streams().requests()) {
      chats.add(chatCall(request));
    }
    List<EmbeddingCall> embeddings = new ArrayList<>();
    for (EmbeddingRequest request : fake.embeddingsPort().requests()) {
      embeddings.add(new EmbeddingCall(request.model(), request.inputs()));
    }
    List<ImageCall> images = new ArrayList<>();
    for (ImageRequest request : fake.imagesPort().requests()) {
      images.add(new ImageCall(request.model(), request.prompt()));
    }
    return new Received(chats, embeddings, images);
  }

  private static ChatCall chatCall(ChatRequest request) {
    Map<String, String> callNames = new HashMap<>();
    List<Message> messages = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      if (message instanceof AssistantMessage) {
        for (ToolCall call : ((AssistantMessage) message).toolCalls()) {
          callNames.put(call.id(), call.name());
        }
      }
      String toolName =
          message instanceof ToolMessage
              ? callNames.get(((ToolMessage) message).toolCallId())
              : null;
      messages.add(
          new Message(message.role().name().toLowerCase(Locale.ROOT), message.text(), toolName));
    }
    List<String> tools = new ArrayList<>();
    for (Tool tool : request.tools()) {
      tools.add(tool.name());
    }
    return new ChatCall(request.model(), messages, tools);
  }

  /** Reads the JSON bodies by their paths; other requests (a model list, an image) are left out. */
  static Received of(List<RecordedRequest> requests) {
    List<ChatCall> chats = new ArrayList<>();
    List<EmbeddingCall> embeddings = new ArrayList<>();
    List<ImageCall> images = new ArrayList<>();
    for (RecordedRequest request : requests) {
      String path = request.path();
      int query = path.indexOf('?');
      path = query < 0 ? path : path.substring(0, query);
      Map<?, ?> body = body(request);
      if (body == null || !request.method().equals("POST")) {
        continue;
      }
      String model = model(body, path);
      if (path.endsWith("/chat/completions")) {
        chats.add(chatCall(model, body));
      } else if (path.endsWith("/embeddings")) {
        Object input = body.get("input");
        List<String> inputs = new ArrayList<>();
        List<?> items = input instanceof List ? (List<?>) input : List.of(String.valueOf(input));
        for (Object item : items) {
          inputs.add(String.valueOf(item));
        }
        embeddings.add(new EmbeddingCall(model, inputs));
      } else if (path.endsWith("/images/generations")) {
        images.add(new ImageCall(model, String.valueOf(body.get("prompt"))));
      }
    }
    return new Received(chats, embeddings, images);
  }

  private static @Nullable Map<?, ?> body(RecordedRequest request) {
    try {
      Object parsed = Json.parse(request.body());
      return parsed instanceof Map ? (Map<?, ?>) parsed : null;
    } catch (IllegalArgumentException notJson) {
      return null;
    }
  }

  /** The body's model, else the deployment of Azure's deployments layout, else empty. */
  private static String model(Map<?, ?> body, String path) {
    if (body.get("model") instanceof String) {
      return (String) body.get("model");
    }
    if (path.startsWith(AzureRoutes.DEPLOYMENTS)) {
      String rest = path.substring(AzureRoutes.DEPLOYMENTS.length());
      int slash = rest.indexOf('/');
      return slash < 0 ? rest : rest.substring(0, slash);
    }
    return "";
  }

  private static ChatCall chatCall(String model, Map<?, ?> body) {
    Map<String, String> callNames = new HashMap<>();
    List<Message> messages = new ArrayList<>();
    Object list = body.get("messages");
    for (Object item : list instanceof List ? (List<?>) list : List.of()) {
      if (!(item instanceof Map)) {
        continue;
      }
      Map<?, ?> message = (Map<?, ?>) item;
      String role = String.valueOf(message.get("role"));
      if (message.get("tool_calls") instanceof List) {
        for (Object call : (List<?>) message.get("tool_calls")) {
          if (call instanceof Map && ((Map<?, ?>) call).get("function") instanceof Map) {
            Object name = ((Map<?, ?>) ((Map<?, ?>) call).get("function")).get("name");
            callNames.put(String.valueOf(((Map<?, ?>) call).get("id")), String.valueOf(name));
          }
        }
      }
      String toolName =
          role.equals("tool") ? callNames.get(String.valueOf(message.get("tool_call_id"))) : null;
      messages.add(new Message(role, text(message.get("content")), toolName));
    }
    List<String> tools = new ArrayList<>();
    Object toolList = body.get("tools");
    for (Object tool : toolList instanceof List ? (List<?>) toolList : List.of()) {
      if (tool instanceof Map && ((Map<?, ?>) tool).get("function") instanceof Map) {
        tools.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) tool).get("function")).get("name")));
      }
    }
    return new ChatCall(model, messages, tools);
  }

  /** A content string, or its text parts joined by newlines as {@code UserMessage.text()} does. */
  private static String text(@Nullable Object content) {
    if (content instanceof String) {
      return (String) content;
    }
    List<String> texts = new ArrayList<>();
    if (content instanceof List) {
      for (Object part : (List<?>) content) {
        if (part instanceof Map && "text".equals(((Map<?, ?>) part).get("type"))) {
          texts.add(String.valueOf(((Map<?, ?>) part).get("text")));
        }
      }
    }
    return String.join("\n", texts);
  }
}
