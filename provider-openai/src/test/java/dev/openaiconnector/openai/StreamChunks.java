package dev.openaiconnector.openai;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.spi.ChatEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Realistic {@code chat.completion.chunk} payloads, and helpers to read a stream to its end. */
final class StreamChunks {
  private StreamChunks() {}

  static ChatRequest hello() {
    return ChatRequest.builder().model("gpt-4o-mini").user("Hello there").build();
  }

  /** A chunk as OpenAI sends it with {@code include_usage}: {@code "usage": null}. */
  static String chunk(String... choices) {
    return "{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\","
        + "\"choices\":["
        + String.join(",", choices)
        + "],\"usage\":null}";
  }

  static String choice(int index, String delta, String finishReason) {
    return "{\"index\":"
        + index
        + ",\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"")
        + "}";
  }

  static String role(int index) {
    return choice(index, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);
  }

  static String content(int index, String text) {
    return choice(index, "{\"content\":\"" + text + "\"}", null);
  }

  static String finish(int index, String reason) {
    return choice(index, "{}", reason);
  }

  static String usageChunk(int prompt, int completion, int cached, int reasoning) {
    return "{\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\","
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"completion_tokens\":"
        + completion
        + ",\"total_tokens\":"
        + (prompt + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":"
        + cached
        + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":"
        + reasoning
        + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
        + "\"rejected_prediction_tokens\":0}}}";
  }

  /** Reads every delta up to the normal end. */
  static List<ChatDelta> readAll(ChatEventSource source) {
    List<ChatDelta> deltas = new ArrayList<>();
    for (ChatDelta delta = source.next(); delta != null; delta = source.next()) {
      deltas.add(delta);
    }
    return deltas;
  }

  static String text(List<ChatDelta> deltas) {
    StringBuilder text = new StringBuilder();
    deltas.forEach(delta -> text.append(delta.text()));
    return text.toString();
  }

  /** A tool call put back together from its fragments. */
  record AssembledCall(String id, String name, String arguments) {}

  static Map<Integer, AssembledCall> toolCalls(List<ChatDelta> deltas) {
    Map<Integer, String> ids = new TreeMap<>();
    Map<Integer, String> names = new TreeMap<>();
    Map<Integer, StringBuilder> arguments = new TreeMap<>();
    for (ChatDelta delta : deltas) {
      for (ToolCallDelta fragment : delta.toolCalls()) {
        int index = fragment.index();
        if (fragment.id() != null) {
          ids.put(index, fragment.id());
        }
        if (fragment.name() != null) {
          names.put(index, fragment.name());
        }
        if (fragment.arguments() != null) {
          arguments.computeIfAbsent(index, i -> new StringBuilder()).append(fragment.arguments());
        }
      }
    }
    Map<Integer, AssembledCall> calls = new TreeMap<>();
    ids.forEach(
        (index, id) ->
            calls.put(
                index,
                new AssembledCall(
                    id,
                    names.get(index),
                    arguments.getOrDefault(index, new StringBuilder()).toString())));
    return calls;
  }
}
