package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.UnexpectedResponseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Assembles the deltas of one streamed model call into the {@link ChatResponse} a plain call would
 * have returned.
 *
 * <p>Per choice index: the text is the concatenated {@code content} fragments, the refusal the
 * concatenated {@code refusal} fragments, and each tool call is rebuilt from its fragments by
 * {@link ToolCallDelta#index()} (id and name from the first fragment that carries them, arguments
 * concatenated), so several calls whose fragments interleave come out whole and in index order.
 * The rules where a stream and a plain answer could differ:
 *
 * <ul>
 *   <li>Text stays null when no {@code content} fragment came, and an empty text becomes null when
 *       the choice has tool calls or a refusal, as a plain answer has it.
 *   <li>A choice that never got a finish reason ends with {@link #MISSING_FINISH_REASON}, a value
 *       no provider sends, rather than a guess; {@link #missesFinishReason()} tells.
 *   <li>The usage is the last one a delta carried; without any, {@link TokenUsage#ZERO}, and
 *       {@link #hasUsage()} tells.
 *   <li>A delta that carries nothing but usage does not create a choice.
 * </ul>
 *
 * <p>A hot path: one call of {@link #accept} per delta, appending to {@link StringBuilder}s.
 * Choices and tool calls are found by a linear scan from the last one used, since there are few
 * and fragments of one come in runs. Not thread-safe: one stream, one reading thread.
 */
final class ChatDeltaAssembler {
  /** The finish reason of a choice whose stream never said why it stopped. */
  static final FinishReason MISSING_FINISH_REASON = FinishReason.of("unknown");

  private final String providerId;
  private final List<ChoiceParts> choices = new ArrayList<>(1);
  private @Nullable ChoiceParts lastChoice;
  private @Nullable TokenUsage usage;
  private boolean missesFinishReason;

  /**
   * Starts an empty assembly.
   *
   * @param providerId the provider whose stream this is, for errors
   */
  ChatDeltaAssembler(String providerId) {
    this.providerId = providerId;
  }

  /**
   * Adds a delta.
   *
   * @param delta the next delta of the stream
   */
  void accept(ChatDelta delta) {
    TokenUsage deltaUsage = delta.usage();
    if (deltaUsage != null) {
      usage = deltaUsage;
    }
    String content = delta.content();
    String refusal = delta.refusal();
    List<ToolCallDelta> toolCalls = delta.toolCalls();
    FinishReason finishReason = delta.finishReason();
    if (content == null && refusal == null && toolCalls.isEmpty() && finishReason == null) {
      return;
    }
    ChoiceParts choice = choice(delta.choiceIndex());
    if (content != null) {
      choice.content(content);
    }
    if (refusal != null) {
      choice.refusal(refusal);
    }
    for (int i = 0; i < toolCalls.size(); i++) {
      choice.toolCall(toolCalls.get(i));
    }
    if (finishReason != null) {
      choice.finishReason = finishReason;
    }
  }

  /**
   * Tells whether a delta carried the usage.
   *
   * @return false when the provider sent none, a bug of the provider
   */
  boolean hasUsage() {
    return usage != null;
  }

  /**
   * Tells whether the last {@link #toResponse} gave a choice {@link #MISSING_FINISH_REASON}.
   *
   * @return true if some choice never got a finish reason
   */
  boolean missesFinishReason() {
    return missesFinishReason;
  }

  /**
   * Returns the response assembled from the deltas so far.
   *
   * @param id the completion id
   * @param model the model that answered
   * @param requestId the provider's request id, or null
   * @param rateLimits the provider's rate-limit state, from the stream's response headers
   * @return the response, its choices in index order
   * @throws UnexpectedResponseException if no delta concerned a choice, or a tool call never got
   *     its id or name
   */
  ChatResponse toResponse(
      String id, String model, @Nullable String requestId, RateLimits rateLimits) {
    if (choices.isEmpty()) {
      throw new UnexpectedResponseException(
          "Provider '"
              + providerId
              + "' ended a stream without any choice (no text, refusal, tool call or finish"
              + " reason); report it to the provider's author",
          ErrorDetails.ofProvider(providerId),
          null);
    }
    List<ChoiceParts> ordered = new ArrayList<>(choices);
    ordered.sort(Comparator.comparingInt(parts -> parts.index));
    ChatResponse.Builder response =
        ChatResponse.builder()
            .id(id)
            .model(model)
            .requestId(requestId)
            .rateLimits(rateLimits)
            .usage(usage == null ? TokenUsage.ZERO : usage);
    missesFinishReason = false;
    for (ChoiceParts parts : ordered) {
      FinishReason finishReason = parts.finishReason;
      if (finishReason == null) {
        missesFinishReason = true;
        finishReason = MISSING_FINISH_REASON;
      }
      response.choice(new Choice(parts.index, parts.message(providerId), finishReason));
    }
    return response.build();
  }

  private ChoiceParts choice(int index) {
    ChoiceParts last = lastChoice;
    if (last != null && last.index == index) {
      return last;
    }
    for (int i = 0; i < choices.size(); i++) {
      ChoiceParts candidate = choices.get(i);
      if (candidate.index == index) {
        lastChoice = candidate;
        return candidate;
      }
    }
    ChoiceParts created = new ChoiceParts(index);
    choices.add(created);
    lastChoice = created;
    return created;
  }

  /** The parts of one choice received so far. */
  private static final class ChoiceParts {
    final int index;
    private @Nullable StringBuilder content;
    private @Nullable StringBuilder refusal;
    private final List<ToolCallParts> toolCalls = new ArrayList<>(0);
    private @Nullable ToolCallParts lastToolCall;
    @Nullable FinishReason finishReason;

    ChoiceParts(int index) {
      this.index = index;
    }

    void content(String fragment) {
      StringBuilder text = content;
      if (text == null) {
        text = new StringBuilder(Math.max(64, fragment.length()));
        content = text;
      }
      text.append(fragment);
    }

    void refusal(String fragment) {
      StringBuilder text = refusal;
      if (text == null) {
        text = new StringBuilder(Math.max(64, fragment.length()));
        refusal = text;
      }
      text.append(fragment);
    }

    void toolCall(ToolCallDelta fragment) {
      ToolCallParts call = toolCall(fragment.index());
      String id = fragment.id();
      if (call.id == null && id != null && !id.isEmpty()) {
        call.id = id;
      }
      String name = fragment.name();
      if (call.name == null && name != null && !name.isEmpty()) {
        call.name = name;
      }
      String arguments = fragment.arguments();
      if (arguments != null) {
        call.arguments.append(arguments);
      }
    }

    private ToolCallParts toolCall(int index) {
      ToolCallParts last = lastToolCall;
      if (last != null && last.index == index) {
        return last;
      }
      for (int i = 0; i < toolCalls.size(); i++) {
        ToolCallParts candidate = toolCalls.get(i);
        if (candidate.index == index) {
          lastToolCall = candidate;
          return candidate;
        }
      }
      ToolCallParts created = new ToolCallParts(index);
      toolCalls.add(created);
      lastToolCall = created;
      return created;
    }

    AssistantMessage message(String providerId) {
      List<ToolCall> calls = new ArrayList<>(toolCalls.size());
      if (!toolCalls.isEmpty()) {
        List<ToolCallParts> ordered = new ArrayList<>(toolCalls);
        ordered.sort(Comparator.comparingInt(parts -> parts.index));
        for (ToolCallParts parts : ordered) {
          calls.add(parts.toToolCall(providerId, index));
        }
      }
      String refusalText = refusal == null ? null : refusal.toString();
      String text = content == null ? null : content.toString();
      // A plain answer has no text beside tool calls or a refusal; some streams send "" anyway.
      if (text != null && text.isEmpty() && (!calls.isEmpty() || refusalText != null)) {
        text = null;
      }
      return new AssistantMessage(text, calls, refusalText);
    }
  }

  /** The fragments of one tool call received so far. */
  private static final class ToolCallParts {
    final int index;
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder(64);

    ToolCallParts(int index) {
      this.index = index;
    }

    ToolCall toToolCall(String providerId, int choiceIndex) {
      String callId = id;
      String callName = name;
      if (callId == null || callName == null) {
        throw new UnexpectedResponseException(
            "Provider '"
                + providerId
                + "' streamed tool call #"
                + index
                + " of choice "
                + choiceIndex
                + " without its "
                + (callId == null ? "id" : "name")
                + "; report it to the provider's author",
            ErrorDetails.ofProvider(providerId),
            null);
      }
      return new ToolCall(callId, callName, arguments.toString());
    }
  }
}
