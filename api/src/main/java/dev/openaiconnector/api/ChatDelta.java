package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A piece of a streamed answer, handed on as soon as it arrives. Most deltas carry a fragment of
 * text; the last ones carry the finish reason and the usage.
 *
 * @param choiceIndex which choice the delta belongs to (0 unless the request asked for {@code n >
 *     1})
 * @param content a fragment of the answer's text, or null
 * @param refusal a fragment of the model's refusal, or null
 * @param toolCalls fragments of tool calls; empty for none
 * @param finishReason why the model stopped, on the choice's last delta; or null
 * @param usage the usage of the whole call, on the stream's last delta; or null
 */
public record ChatDelta(
    int choiceIndex,
    @Nullable String content,
    @Nullable String refusal,
    List<ToolCallDelta> toolCalls,
    @Nullable FinishReason finishReason,
    @Nullable TokenUsage usage) {

  /** Copies the tool-call fragments. */
  public ChatDelta {
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
  }

  /**
   * A delta with a fragment of text only.
   *
   * @param content the fragment
   * @return the delta
   */
  public static ChatDelta ofContent(String content) {
    return new ChatDelta(0, Objects.requireNonNull(content, "content"), null, List.of(), null, null);
  }

  /**
   * Returns the text fragment, or the empty string, so that printing deltas needs no null check.
   *
   * @return the text fragment
   */
  public String text() {
    return content == null ? "" : content;
  }

  // Fragments are left out: answers may hold personal data and must not reach logs.
  @Override
  public String toString() {
    return "ChatDelta[choice="
        + choiceIndex
        + (content == null ? "" : ", " + content.length() + " chars")
        + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls.size())
        + (finishReason == null ? "" : ", finishReason=" + finishReason.value())
        + (usage == null ? "" : ", usage=" + usage)
        + "]";
  }
}
