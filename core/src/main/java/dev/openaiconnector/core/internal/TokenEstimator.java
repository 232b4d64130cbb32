package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Estimates how many tokens messages take, to keep a session's memory within its budget, and how
 * many an embeddings input takes, to keep a batch within the request's token budget.
 *
 * <p>An approximation, not a tokenizer: about four characters a token for text, a fixed overhead
 * per message for the role and separators, and the documented flat costs of an image (85 tokens at
 * low detail, 765 for a typical high-detail image). Real counts depend on the model's tokenizer and
 * the language; the provider's {@code usage} is the exact figure after the call.
 */
final class TokenEstimator {
  /** Tokens the role and the separators of one message take. */
  static final int MESSAGE_OVERHEAD = 4;

  /** Tokens of an image at {@link ImageDetail#LOW}. */
  static final int LOW_DETAIL_IMAGE = 85;

  /** Tokens of an image at any other detail: a 1024 x 1024 image at high detail. */
  static final int IMAGE = 765;

  private TokenEstimator() {}

  /**
   * Estimates the tokens of several messages.
   *
   * @param messages the messages
   * @return the estimate
   */
  static long estimate(List<ChatMessage> messages) {
    long tokens = 0;
    for (ChatMessage message : messages) {
      tokens += estimate(message);
    }
    return tokens;
  }

  /**
   * Estimates the tokens of one message.
   *
   * @param message the message
   * @return the estimate, at least the per-message overhead
   */
  static long estimate(ChatMessage message) {
    long tokens = MESSAGE_OVERHEAD;
    if (message instanceof SystemMessage) {
      tokens += text(((SystemMessage) message).text());
    } else if (message instanceof UserMessage) {
      for (ContentPart part : ((UserMessage) message).parts()) {
        if (part instanceof TextPart) {
          tokens += text(((TextPart) part).text());
        } else {
          tokens += ((ImagePart) part).detail() == ImageDetail.LOW ? LOW_DETAIL_IMAGE : IMAGE;
        }
      }
    } else if (message instanceof AssistantMessage) {
      AssistantMessage assistant = (AssistantMessage) message;
      tokens += text(assistant.content()) + text(assistant.refusal());
      for (ToolCall call : assistant.toolCalls()) {
        tokens += text(call.id()) + text(call.name()) + text(call.arguments());
      }
    } else {
      ToolMessage tool = (ToolMessage) message;
      tokens += text(tool.toolCallId()) + text(tool.content());
    }
    return tokens;
  }

  /**
   * Estimates the tokens of an embeddings input, on the high side: a quarter of a token per ASCII
   * character, a whole token per other character (CJK and many other scripts take about one per
   * character or more, where four characters a token would undercount them several times over).
   *
   * @param text the input
   * @return the estimate, at least 1 for a non-empty text
   */
  static long estimateInput(String text) {
    long ascii = 0;
    long other = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) < 0x80) {
        ascii++;
      } else {
        other++;
      }
    }
    return (ascii + 3) / 4 + other;
  }

  private static long text(@Nullable String text) {
    return text == null ? 0 : (text.length() + 3L) / 4;
  }
}
