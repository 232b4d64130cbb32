package dev.openaiconnector.testkit;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted, recording stream port: each opened stream plays the next scripted list of deltas,
 * optionally ending in a failure; every request is recorded and every source counts its close.
 * Thread-safe.
 */
public final class FakeChatStreamPort implements ChatStreamPort {
  private final Deque<Function<ChatRequest, Script>> script = new ArrayDeque<>();
  private final List<ChatRequest> requests = new ArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private @Nullable Function<ChatRequest, List<ChatDelta>> fallback;

  FakeChatStreamPort() {}

  /**
   * Queues a stream of deltas.
   *
   * @param deltas the deltas the next stream plays, in order
   * @return this port
   */
  public synchronized FakeChatStreamPort enqueue(List<ChatDelta> deltas) {
    List<ChatDelta> copy = List.copyOf(deltas);
    script.add(request -> new Script(copy, null));
    return this;
  }

  /**
   * Queues a text answer cut into deltas of at most {@code chunkLength} characters, then a delta
   * with finish reason {@code stop} and a usage of about four characters a token.
   *
   * @param text the answer's text
   * @param chunkLength the length of each text delta
   * @return this port
   */
  public synchronized FakeChatStreamPort enqueueText(String text, int chunkLength) {
    Objects.requireNonNull(text, "text");
    if (chunkLength < 1) {
      throw new IllegalArgumentException("chunkLength must be at least 1, was " + chunkLength);
    }
    script.add(request -> new Script(textDeltas(request, text, chunkLength), null));
    return this;
  }

  /**
   * Queues a stream that plays some deltas and then fails.
   *
   * @param deltas the deltas before the failure
   * @param failure what {@link ChatEventSource#next()} then throws
   * @return this port
   */
  public synchronized FakeChatStreamPort enqueueFailureAfter(
      List<ChatDelta> deltas, RuntimeException failure) {
    List<ChatDelta> copy = List.copyOf(deltas);
    Objects.requireNonNull(failure, "failure");
    script.add(request -> new Script(copy, failure));
    return this;
  }

  /**
   * Queues a failure to open the next stream.
   *
   * @param failure what {@link #open} throws
   * @return this port
   */
  public synchronized FakeChatStreamPort enqueueOpenFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.add(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every request the queue does not answer with deltas computed from the request.
   *
   * @param answer computes the deltas
   * @return this port
   */
  public synchronized FakeChatStreamPort answerWith(Function<ChatRequest, List<ChatDelta>> answer) {
    this.fallback = Objects.requireNonNull(answer, "answer");
    return this;
  }

  @Override
  public ChatEventSource open(ChatRequest request, Deadline deadline) {
    Function<ChatRequest, Script> next;
    synchronized (this) {
      requests.add(request);
      next = script.poll();
      if (next == null && fallback != null) {
        Function<ChatRequest, List<ChatDelta>> answer = fallback;
        next = r -> new Script(answer.apply(r), null);
      }
      if (next == null) {
        throw new IllegalStateException(
            "FakeChatStreamPort has no stream for request #"
                + requests.size()
                + "; script one with enqueue(...), enqueueText(...) or answerWith(...)");
      }
    }
    Script played = next.apply(request);
    return new Source(played, request.model(), opened.incrementAndGet());
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
   * Returns how many streams were opened.
   *
   * @return the count
   */
  public int openedCount() {
    return opened.get();
  }

  /**
   * Returns how many opened streams were closed, to check that nothing is left open.
   *
   * @return the count
   */
  public int closedCount() {
    return closed.get();
  }

  /**
   * Cuts a text into deltas, then adds the finish reason and the usage, as {@link #enqueueText}
   * does.
   *
   * @param request the request answered, for the prompt's token estimate
   * @param text the answer's text
   * @param chunkLength the length of each text delta, at least 1
   * @return the deltas
   */
  public static List<ChatDelta> textDeltas(ChatRequest request, String text, int chunkLength) {
    if (chunkLength < 1) {
      throw new IllegalArgumentException("chunkLength must be at least 1, was " + chunkLength);
    }
    List<ChatDelta> deltas = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + chunkLength);
      // Never split a surrogate pair (an emoji, say): a real stream never does.
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      deltas.add(ChatDelta.ofContent(text.substring(start, end)));
      start = end;
    }
    TokenUsage usage = FakeChatPort.textAnswer(request, text).usage();
    deltas.add(new ChatDelta(0, null, null, List.of(), FinishReason.STOP, null));
    deltas.add(new ChatDelta(0, null, null, List.of(), null, usage));
    return deltas;
  }

  private static final class Script {
    final List<ChatDelta> deltas;
    final @Nullable RuntimeException failure;

    Script(List<ChatDelta> deltas, @Nullable RuntimeException failure) {
      this.deltas = deltas;
      this.failure = failure;
    }
  }

  private final class Source implements ChatEventSource {
    private final Script script;
    private final String model;
    private final int number;
    private int position;
    private volatile boolean isClosed;

    Source(Script script, String model, int number) {
      this.script = script;
      this.model = model;
      this.number = number;
    }

    @Override
    public String requestId() {
      return "req_fake_stream_" + number;
    }

    @Override
    public RateLimits rateLimits() {
      return RateLimits.NONE;
    }

    @Override
    public @Nullable String completionId() {
      return position == 0 ? null : "chatcmpl-fake-stream-" + number;
    }

    @Override
    public @Nullable String model() {
      return position == 0 ? null : model;
    }

    @Override
    public @Nullable ChatDelta next() {
      if (isClosed) {
        // As a real port does: a read after close() is the consumer's cancellation.
        throw new StreamCancelledException("fake");
      }
      if (position < script.deltas.size()) {
        return script.deltas.get(position++);
      }
      if (script.failure != null) {
        throw script.failure;
      }
      return null;
    }

    @Override
    public void close() {
      if (!isClosed) {
        isClosed = true;
        closed.incrementAndGet();
      }
    }
  }
}
