package dev.openaiconnector.testkit;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.Deadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted, recording chat port: answers come from a queue filled by the test, then from a
 * fallback function if one is set; every request is recorded. Thread-safe.
 */
public final class FakeChatPort implements ChatPort {
  private final Deque<Function<ChatRequest, ChatResponse>> script = new ArrayDeque<>();
  private final List<ChatRequest> requests = new ArrayList<>();
  private @Nullable Function<ChatRequest, ChatResponse> fallback;

  FakeChatPort() {}

  /**
   * Queues an answer.
   *
   * @param response the answer to return for the next unanswered request
   * @return this port
   */
  public synchronized FakeChatPort enqueue(ChatResponse response) {
    Objects.requireNonNull(response, "response");
    script.add(request -> response);
    return this;
  }

  /**
   * Queues a text answer with {@code stop} as finish reason and a token usage estimated from the
   * request and the text (about four characters a token).
   *
   * @param text the answer's text
   * @return this port
   */
  public synchronized FakeChatPort enqueueText(String text) {
    Objects.requireNonNull(text, "text");
    script.add(request -> textAnswer(request, text));
    return this;
  }

  /**
   * Queues a failure.
   *
   * @param failure the exception to throw for the next unanswered request
   * @return this port
   */
  public synchronized FakeChatPort enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.add(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every request the queue does not answer with a function of the request.
   *
   * @param answer computes the answer, or throws
   * @return this port
   */
  public synchronized FakeChatPort answerWith(Function<ChatRequest, ChatResponse> answer) {
    this.fallback = Objects.requireNonNull(answer, "answer");
    return this;
  }

  @Override
  public ChatResponse complete(ChatRequest request, Deadline deadline) {
    Function<ChatRequest, ChatResponse> next;
    synchronized (this) {
      requests.add(request);
      next = script.isEmpty() ? fallback : script.poll();
      if (next == null) {
        throw new IllegalStateException(
            "FakeChatPort has no answer for request #"
                + requests.size()
                + "; script one with enqueue(...), enqueueText(...) or answerWith(...)");
      }
    }
    return next.apply(request);
  }

  /**
   * Returns the requests received so far, oldest first.
   *
   * @return a copy of the recorded requests
   */
  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns the last request received.
   *
   * @return the request
   * @throws IllegalStateException if there was none
   */
  public synchronized ChatRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("FakeChatPort has received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /**
   * Returns how many scripted answers are still queued.
   *
   * @return the count
   */
  public synchronized int remaining() {
    return script.size();
  }

  /**
   * Builds the answer {@link #enqueueText} returns: the text, finish reason {@code stop}, and a
   * usage of about four characters a token.
   *
   * @param request the request answered
   * @param text the answer's text
   * @return the response
   */
  public static ChatResponse textAnswer(ChatRequest request, String text) {
    long promptChars = 0;
    for (ChatMessage message : request.messages()) {
      promptChars += message.text().length();
    }
    return ChatResponse.builder()
        .id("fake-" + Integer.toHexString(text.hashCode()))
        .model(request.model())
        .choice(new Choice(0, AssistantMessage.of(text), FinishReason.STOP))
        .usage(TokenUsage.of(tokens(promptChars), tokens(text.length())))
        .build();
  }

  private static long tokens(long chars) {
    return (chars + 3) / 4;
  }
}
