package dev.openaiconnector.testkit;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A scripted, recording chat port. Each request gets, in this order: the next queued answer; the
 * {@link #answerWith} function if one is set; the {@link #defaultAnswer} if nothing was ever
 * queued (since the last {@link FakeProvider#reset()}) and the fake is not {@link
 * FakeProvider#strict()}; else it fails with an {@link AssertionError} that says how many answers
 * were scripted and what the request was. Every request is recorded, and every answer waits the
 * {@link #latency} first. Thread-safe.
 *
 * <pre>{@code
 * fake.chat()
 *     .enqueueToolCall("get_weather", "{\"city\":\"Paris\"}")   // round 1: the model calls a tool
 *     .enqueueText("It is sunny in Paris.");                    // round 2: the final answer
 * }</pre>
 */
public final class FakeChatPort implements ChatPort {
  private final PortScript<ChatRequest, ChatResponse> script;

  FakeChatPort(FakeProvider.Shared shared) {
    this.script =
        new PortScript<>(
            "FakeChatPort",
            shared,
            FakeChatPort::defaultAnswer,
            false,
            FakeChatPort::describe,
            "enqueue(...), enqueueText(...), enqueueToolCall(...) or enqueueFailure(...)");
  }

  PortScript<ChatRequest, ChatResponse> script() {
    return script;
  }

  /**
   * Queues an answer.
   *
   * @param response the answer to return for the next unanswered request
   * @return this port
   */
  public FakeChatPort enqueue(ChatResponse response) {
    Objects.requireNonNull(response, "response");
    script.enqueue(request -> response);
    return this;
  }

  /**
   * Queues a text answer with {@code stop} as finish reason and a token usage estimated from the
   * request and the text (about four characters a token).
   *
   * @param text the answer's text
   * @return this port
   */
  public FakeChatPort enqueueText(String text) {
    Objects.requireNonNull(text, "text");
    script.enqueue(request -> textAnswer(request, text));
    return this;
  }

  /**
   * Queues an answer that calls one tool, with finish reason {@code tool_calls}. The call's id is
   * {@code call_fake_<round>_0}, where the round is one more than the assistant messages of the
   * request it answers, so that every round's ids differ.
   *
   * @param name the tool's name
   * @param arguments the arguments as the model would write them, usually a JSON object
   * @return this port
   */
  public FakeChatPort enqueueToolCall(String name, String arguments) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    script.enqueue(
        request ->
            toolCallAnswer(
                request,
                List.of(new ToolCall(ChatDefaults.callId(ChatDefaults.round(request), 0), name,
                    arguments))));
    return this;
  }

  /**
   * Queues an answer that calls these tools (in parallel, as the model may), with finish reason
   * {@code tool_calls}.
   *
   * @param calls the calls, with their ids, at least one
   * @return this port
   */
  public FakeChatPort enqueueToolCalls(ToolCall... calls) {
    List<ToolCall> copy = List.of(calls);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("calls must hold at least one tool call");
    }
    script.enqueue(request -> toolCallAnswer(request, copy));
    return this;
  }

  /**
   * Queues a failure, such as a {@code RateLimitException}.
   *
   * @param failure the exception to throw for the next unanswered request
   * @return this port
   */
  public FakeChatPort enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.enqueue(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every request the queue does not answer with a function of the request; {@code
   * answerWith(FakeChatPort::defaultAnswer)} keeps the default answers going after a script.
   *
   * @param answer computes the answer, or throws
   * @return this port
   */
  public FakeChatPort answerWith(Function<ChatRequest, ChatResponse> answer) {
    script.fallback(answer);
    return this;
  }

  /**
   * Makes every answer wait this long first, as a slow model would; an answer that would outlast
   * the call's deadline fails with a {@code RequestTimeoutException} when the deadline passes,
   * and an interrupted wait with a {@code CallInterruptedException}.
   *
   * @param latency the wait, zero (the default) for none
   * @return this port
   */
  public FakeChatPort latency(Duration latency) {
    script.latency(latency);
    return this;
  }

  @Override
  public ChatResponse complete(ChatRequest request, Deadline deadline) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deadline, "deadline");
    return script.answer(request, deadline);
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
   * Returns how many scripted answers are still queued.
   *
   * @return the count
   */
  public int remaining() {
    return script.remaining();
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
    return ChatResponse.builder()
        .id("fake-" + Integer.toHexString(text.hashCode()))
        .model(request.model())
        .choice(new Choice(0, AssistantMessage.of(text), FinishReason.STOP))
        .usage(
            TokenUsage.of(
                ChatDefaults.tokens(ChatDefaults.promptChars(request)),
                ChatDefaults.tokens(text.length())))
        .build();
  }

  /**
   * Builds the answer given when nothing is scripted, the same {@link FakeOpenAiServer} gives to
   * the same request, first rule that applies:
   *
   * <ol>
   *   <li>when the last message is a user message and tools are offered (and the tool choice is
   *       not {@code none}): finish reason {@code tool_calls}, one call to the named tool, else one
   *       to each tool in order (only the first when parallel tool calls are off), with ids {@code
   *       call_fake_<round>_<i>} and as arguments a sample of the tool's schema (strings {@code
   *       "sample"}, integers 1, numbers 1.5, booleans true, the first enum value...);
   *   <li>with a {@code json_schema} response format: a sample of the schema, as JSON;
   *   <li>when the conversation ends with tool results: {@code Echo: tool results: <a>; <b>};
   *   <li>else {@code Echo: <last user text>}, plus {@code [n images]} for image parts.
   * </ol>
   *
   * <p>In JSON mode the echo is {@code {"echo": "<text>"}}. A text longer than {@code maxTokens}
   * (at four characters a token) is cut, with finish reason {@code length}. There are {@code n}
   * identical choices; the usage is about four characters a token.
   *
   * @param request the request answered
   * @return the response
   * @throws IllegalArgumentException if a schema cannot be sampled
   */
  public static ChatResponse defaultAnswer(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return ChatDefaults.answer(request);
  }

  private static ChatResponse toolCallAnswer(ChatRequest request, List<ToolCall> calls) {
    long chars = 0;
    for (ToolCall call : calls) {
      chars += call.name().length() + call.arguments().length();
    }
    return ChatResponse.builder()
        .id("fake-calls-" + Integer.toHexString(calls.hashCode()))
        .model(request.model())
        .choice(new Choice(0, new AssistantMessage(null, calls, null), FinishReason.TOOL_CALLS))
        .usage(
            TokenUsage.of(
                ChatDefaults.tokens(ChatDefaults.promptChars(request)), ChatDefaults.tokens(chars)))
        .build();
  }

  /** The request as a misuse message shows it: model, size, the last message, the tools. */
  static String describe(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    StringBuilder out = new StringBuilder("model ").append(request.model());
    out.append(", ").append(messages.size());
    out.append(messages.size() == 1 ? " message" : " messages");
    if (!messages.isEmpty()) {
      ChatMessage last = messages.get(messages.size() - 1);
      out.append(", the last one ")
          .append(last.role().name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(excerpt(last.text()));
    }
    if (!request.tools().isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Tool tool : request.tools()) {
        names.add(tool.name());
      }
      out.append(", tools ").append(names);
    }
    return out.toString();
  }

  /** A text cut to 60 characters, quoted, for a misuse message. */
  static String excerpt(String text) {
    String oneLine = text.replace('\n', ' ');
    return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 59) + "\u2026" : oneLine) + "\"";
  }
}
