package dev.openaiconnector.testkit;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.api.StreamCancelledException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted, recording stream port: each opened stream plays, in this order, the next queued
 * list of deltas (optionally ending in a failure); the {@link #answerWith} function if one is set;
 * the {@link #defaultDeltas} if nothing was ever queued (since the last {@link
 * FakeProvider#reset()}) and the fake is not {@link FakeProvider#strict()}; else opening fails
 * with an {@link AssertionError} that says how many streams were scripted and what the request
 * was. Every request is recorded, every source counts its close, and every open waits the {@link
 * #latency} first. Thread-safe.
 */
public final class FakeChatStreamPort implements ChatStreamPort {
  private final PortScript<ChatRequest, Script> script;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  FakeChatStreamPort(FakeProvider.Shared shared) {
    this.script =
        new PortScript<>(
            "FakeChatStreamPort",
            shared,
            request -> new Script(defaultDeltas(request), null),
            false,
            FakeChatPort::describe,
            "enqueue(...), enqueueText(...), enqueueToolCall(...) or enqueueOpenFailure(...)");
  }

  /** Forgets the recorded requests, the queued streams and the counts. */
  void reset() {
    script.reset();
    opened.set(0);
    closed.set(0);
  }

  /**
   * Queues a stream of deltas.
   *
   * @param deltas the deltas the next stream plays, in order
   * @return this port
   */
  public FakeChatStreamPort enqueue(List<ChatDelta> deltas) {
    List<ChatDelta> copy = List.copyOf(deltas);
    script.enqueue(request -> new Script(copy, null));
    return this;
  }

  /**
   * Queues a text answer, one delta per word (each with the whitespace before it), then a delta
   * with finish reason {@code stop} and one with a usage of about four characters a token.
   *
   * @param text the answer's text
   * @return this port
   */
  public FakeChatStreamPort enqueueText(String text) {
    Objects.requireNonNull(text, "text");
    script.enqueue(request -> new Script(textDeltas(request, text), null));
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
  public FakeChatStreamPort enqueueText(String text, int chunkLength) {
    Objects.requireNonNull(text, "text");
    if (chunkLength < 1) {
      throw new IllegalArgumentException("chunkLength must be at least 1, was " + chunkLength);
    }
    script.enqueue(request -> new Script(textDeltas(request, text, chunkLength), null));
    return this;
  }

  /**
   * Queues a streamed call of one tool: a delta with the call's id ({@code call_fake_<round>_0}, as
   * {@link FakeChatPort#enqueueToolCall}) and name, the arguments in pieces of eight characters,
   * finish reason {@code tool_calls}, then the usage.
   *
   * @param name the tool's name
   * @param arguments the arguments, usually a JSON object
   * @return this port
   */
  public FakeChatStreamPort enqueueToolCall(String name, String arguments) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    script.enqueue(
        request ->
            new Script(
                toolCallDeltas(
                    request,
                    List.of(
                        new ToolCall(
                            ChatDefaults.callId(ChatDefaults.round(request), 0),
                            name,
                            arguments))),
                null));
    return this;
  }

  /**
   * Queues a streamed answer that calls these tools, each as {@link #enqueueToolCall} streams it.
   *
   * @param calls the calls, with their ids, at least one
   * @return this port
   */
  public FakeChatStreamPort enqueueToolCalls(ToolCall... calls) {
    List<ToolCall> copy = List.of(calls);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("calls must hold at least one tool call");
    }
    script.enqueue(request -> new Script(toolCallDeltas(request, copy), null));
    return this;
  }

  /**
   * Queues a stream that plays some deltas and then fails.
   *
   * @param deltas the deltas before the failure
   * @param failure what {@link ChatEventSource#next()} then throws
   * @return this port
   */
  public FakeChatStreamPort enqueueFailureAfter(
      List<ChatDelta> deltas, RuntimeException failure) {
    List<ChatDelta> copy = List.copyOf(deltas);
    Objects.requireNonNull(failure, "failure");
    script.enqueue(request -> new Script(copy, failure));
    return this;
  }

  /**
   * Queues a failure to open the next stream.
   *
   * @param failure what {@link #open} throws
   * @return this port
   */
  public FakeChatStreamPort enqueueOpenFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.enqueue(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every request the queue does not answer with deltas computed from the request; {@code
   * answerWith(FakeChatStreamPort::defaultDeltas)} keeps the default streams going after a script.
   *
   * @param answer computes the deltas
   * @return this port
   */
  public FakeChatStreamPort answerWith(Function<ChatRequest, List<ChatDelta>> answer) {
    Objects.requireNonNull(answer, "answer");
    script.fallback(request -> new Script(List.copyOf(answer.apply(request)), null));
    return this;
  }

  /**
   * Makes every open wait this long first, as a model slow to start would; an open that would
   * outlast the call's deadline fails with a {@code RequestTimeoutException}.
   *
   * @param latency the wait, zero (the default) for none
   * @return this port
   */
  public FakeChatStreamPort latency(Duration latency) {
    script.latency(latency);
    return this;
  }

  @Override
  public ChatEventSource open(ChatRequest request, Deadline deadline) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deadline, "deadline");
    Script played = script.answer(request, deadline);
    return new Source(played, request.model(), opened.incrementAndGet());
  }

  /**
   * Returns the requests received so far, oldest first.
   *
   * @return a copy of the recorded requests
   */
  public List<ChatRequest> requests() {
    return script.requests();
  }

  /**
   * Returns the last request received.
   *
   * @return the request
   * @throws IllegalStateException if there was none
   */
  public ChatRequest lastRequest() {
    return script.lastRequest();
  }

  /**
   * Returns how many scripted streams are still queued.
   *
   * @return the count
   */
  public int remaining() {
    return script.remaining();
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
   * Returns the deltas a stream plays when nothing is scripted: {@link
   * FakeChatPort#defaultAnswer} as a stream, as {@link FakeOpenAiServer} streams it: per choice
   * its text a word at a time, or its tool calls (id and name, then the arguments in pieces of
   * eight characters); its finish reason; then the usage.
   *
   * @param request the request answered
   * @return the deltas
   */
  public static List<ChatDelta> defaultDeltas(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return ChatDefaults.deltas(ChatDefaults.answer(request));
  }

  /**
   * Cuts a text into one delta per word, then adds the finish reason and the usage, as {@link
   * #enqueueText(String)} does.
   *
   * @param request the request answered, for the prompt's token estimate
   * @param text the answer's text
   * @return the deltas
   */
  public static List<ChatDelta> textDeltas(ChatRequest request, String text) {
    return ChatDefaults.deltas(FakeChatPort.textAnswer(request, text));
  }

  private static List<ChatDelta> toolCallDeltas(ChatRequest request, List<ToolCall> calls) {
    long chars = 0;
    for (ToolCall call : calls) {
      chars += call.name().length() + call.arguments().length();
    }
    ChatResponse response =
        ChatResponse.builder()
            .id("fake-calls")
            .model(request.model())
            .choice(new Choice(0, new AssistantMessage(null, calls, null), FinishReason.TOOL_CALLS))
            .usage(
                TokenUsage.of(
                    ChatDefaults.tokens(ChatDefaults.promptChars(request)),
                    ChatDefaults.tokens(chars)))
            .build();
    return ChatDefaults.deltas(response);
  }

  /**
   * Cuts a text into deltas, then adds the finish reason and the usage, as {@link
   * #enqueueText(String, int)} does.
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
