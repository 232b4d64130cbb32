package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolArgumentsException;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDecision;
import dev.openaiconnector.api.ToolCallException;
import dev.openaiconnector.api.ToolChoice;
import dev.openaiconnector.api.ToolLoopLimitException;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.ToolResult;
import dev.openaiconnector.api.ToolResult.Outcome;
import dev.openaiconnector.api.ToolRound;
import dev.openaiconnector.core.ToolFailureMode;
import dev.openaiconnector.core.ToolLoopOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function-calling loop: while the model answers with tool calls, runs them (in parallel where
 * there are several), sends the results back and asks again, within the limits of the {@link
 * ToolLoopOptions}. The behaviour the application sees is documented on {@link ToolLoopOptions}.
 *
 * <p>One implementation serves both ways of asking the model: {@link #run} makes the model calls
 * itself (plain chat), while a stream makes each call, reads its deltas, and hands the assembled
 * answer to the same {@link Conversation}, so limits, hooks, failure handling and the relaxing of a
 * forced tool choice are the same for both.
 *
 * <p>Thread-safe: one loop serves every request of a connector; the state of a request lives in its
 * {@link Conversation}, used by one thread at a time.
 */
final class ToolLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ToolLoop.class);

  /** Calls waiting for a thread of the owned pool; beyond it, calls run on the calling thread. */
  private static final int QUEUE_CAPACITY = 256;

  private static final long IDLE_THREAD_SECONDS = 30;

  /** How often a waiting caller checks that the executor has not dropped its calls. */
  private static final long DROPPED_CALL_CHECK_MILLIS = 500;

  /** The longest text from a tool's exception passed on to the model. */
  private static final int MAX_MESSAGE_CHARS = 1_000;

  /** The longest tool name quoted back; the model may invent any string. */
  private static final int MAX_NAME_CHARS = 64;

  private final ToolLoopOptions options;
  private final ExecutorService executor;
  private final @Nullable ThreadPoolExecutor ownedPool;
  private final @Nullable ToolThreads ownedThreads;

  /**
   * Creates the loop; without an executor in the options it creates its own pool, which {@link
   * #close()} shuts down.
   *
   * @param options the limits, hooks and threads
   */
  ToolLoop(ToolLoopOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    ExecutorService given = options.executor().orElse(null);
    if (given != null) {
      this.executor = given;
      this.ownedPool = null;
      this.ownedThreads = null;
    } else {
      ToolThreads threads = new ToolThreads();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              options.parallelism(),
              options.parallelism(),
              IDLE_THREAD_SECONDS,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(QUEUE_CAPACITY),
              threads);
      // Idle threads stop, so a connector that is never closed does not keep threads alive.
      pool.allowCoreThreadTimeOut(true);
      this.executor = pool;
      this.ownedPool = pool;
      this.ownedThreads = threads;
    }
  }

  /**
   * Runs the loop for a request with tools.
   *
   * @param request the request, already validated and checked against the provider's capabilities
   * @param model makes one model call, counting its usage
   * @return the final answer, carrying the rounds and the usage summed over every model call
   * @throws ToolLoopLimitException past a limit
   * @throws ToolCallException for a failed call in {@link ToolFailureMode#THROW}
   * @throws CancellationException if the calling thread was interrupted while calls ran
   */
  ChatResponse run(ChatRequest request, Function<ChatRequest, ChatResponse> model) {
    Conversation conversation = start(request);
    while (true) {
      Optional<ChatResponse> answer = conversation.advance(model.apply(conversation.request()));
      if (answer.isPresent()) {
        return answer.get();
      }
    }
  }

  /**
   * Starts the loop for a request with tools, for a caller that makes the model calls itself (a
   * stream reads each call's deltas before the loop can go on): ask the model with {@link
   * Conversation#request()}, hand its answer to {@link Conversation#advance}, and repeat until that
   * returns the final answer.
   *
   * @param request the request, already validated and checked against the provider's capabilities
   * @return the conversation, at its first model call
   */
  Conversation start(ChatRequest request) {
    return new Conversation(Objects.requireNonNull(request, "request"));
  }

  /**
   * The state of one request's loop: the conversation so far, its rounds, the calls per tool and
   * the summed usage. Not thread-safe: used by one thread at a time, the one that makes the model
   * calls; the hooks run on that thread.
   */
  final class Conversation {
    private final ChatRequest original;
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final boolean oneAtATime;
    private final List<ChatMessage> messages;
    private final List<ToolRound> rounds = new ArrayList<>();
    private final Map<String, Integer> callsPerTool = new HashMap<>();
    private TokenUsage total = TokenUsage.ZERO;
    private ChatRequest next;

    private Conversation(ChatRequest request) {
      this.original = request;
      for (Tool tool : request.tools()) {
        tools.put(tool.name(), tool);
      }
      this.oneAtATime = Boolean.FALSE.equals(request.parallelToolCalls());
      this.messages = new ArrayList<>(request.messages());
      this.next = request;
    }

    /**
     * Returns the request of the next model call: the original request first, then the extended
     * conversation.
     *
     * @return the request to send
     */
    ChatRequest request() {
      return next;
    }

    /**
     * Takes the answer of the model call made with {@link #request()}. Without tool calls, it is
     * the final answer. Otherwise the round's calls run (limits, hooks, failure mode), the
     * conversation is extended by the answer and the results, and {@link #request()} becomes the
     * next model call.
     *
     * @param response the model's answer, its usage already counted by the caller
     * @return the final answer, carrying the rounds and the summed usage; empty when the model must
     *     be asked again
     * @throws ToolLoopLimitException past a limit
     * @throws ToolCallException for a failed call in {@link ToolFailureMode#THROW}
     * @throws CancellationException if the calling thread was interrupted while calls ran
     */
    Optional<ChatResponse> advance(ChatResponse response) {
      total = total.plus(response.usage());
      AssistantMessage answer = response.message();
      if (!answer.hasToolCalls()) {
        return Optional.of(
            rounds.isEmpty()
                ? response
                : response.toBuilder().usage(total).toolRounds(rounds).build());
      }
      checkLimits(answer, rounds, callsPerTool, messages);
      messages.add(answer);

      List<CallOutcome> outcomes = runRound(answer.toolCalls(), tools, oneAtATime);
      for (CallOutcome outcome : outcomes) {
        logCall(outcome);
      }
      for (CallOutcome outcome : outcomes) {
        options.afterCall().accept(outcome.result());
      }
      if (options.failureMode() == ToolFailureMode.THROW) {
        for (CallOutcome outcome : outcomes) {
          if (isFailure(outcome.result().outcome())) {
            throw new ToolCallException(outcome.result(), messages, outcome.cause());
          }
        }
      }

      List<ToolMessage> results = new ArrayList<>(outcomes.size());
      for (int i = 0; i < outcomes.size(); i++) {
        // The original id: a rewritten call still answers the call the model made.
        results.add(
            new ToolMessage(answer.toolCalls().get(i).id(), outcomes.get(i).result().content()));
      }
      messages.addAll(results);
      rounds.add(new ToolRound(answer, results, response.usage()));
      // A forced choice applies to the first call only, or the model could never answer.
      next =
          original.toBuilder()
              .messages(messages)
              .toolChoice(relaxed(original.toolChoice()))
              .build();
      return Optional.empty();
    }
  }

  /** Shuts the owned pool down: calls already accepted finish, no new ones are taken. */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.shutdown();
    }
  }

  private void checkLimits(
      AssistantMessage answer,
      List<ToolRound> rounds,
      Map<String, Integer> callsPerTool,
      List<ChatMessage> conversation) {
    int asked = answer.toolCalls().size();
    if (rounds.size() >= options.maxRounds()) {
      throw new ToolLoopLimitException(
          "The model still asked for tool calls after "
              + rounds.size()
              + " rounds, the limit (ToolLoopOptions.maxRounds); "
              + calls(asked)
              + " of its last answer did not run. The conversation so far is in the exception;"
              + " raise the limit with Connectors.builder().toolLoop(...), or send the"
              + " conversation again with ToolChoice.none() for an answer without tools",
          conversation,
          rounds);
    }
    Map<String, Integer> counted = new HashMap<>(callsPerTool);
    for (ToolCall call : answer.toolCalls()) {
      int count = counted.merge(call.name(), 1, Integer::sum);
      if (count > options.maxCallsPerTool()) {
        throw new ToolLoopLimitException(
            "The model asked for call "
                + count
                + " of tool '"
                + displayName(call.name())
                + "' in round "
                + (rounds.size() + 1)
                + ", over the limit of "
                + options.maxCallsPerTool()
                + " calls of one tool per request (ToolLoopOptions.maxCallsPerTool); "
                + calls(asked)
                + " of that answer did not run. The conversation so far is in the exception",
            conversation,
            rounds);
      }
    }
    callsPerTool.putAll(counted);
  }

  private List<CallOutcome> runRound(
      List<ToolCall> calls, Map<String, Tool> tools, boolean oneAtATime) {
    CallOutcome[] outcomes = new CallOutcome[calls.size()];
    List<Task> tasks = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      ToolCall call = calls.get(i);
      Tool tool = tools.get(call.name());
      if (tool == null) {
        outcomes[i] = unknownTool(call, tools);
        continue;
      }
      ToolCallDecision decision =
          Objects.requireNonNull(
              options.beforeCall().apply(call),
              () ->
                  "the beforeCall hook returned null for a call of tool '"
                      + call.name()
                      + "'; return ToolCallDecision.approve(), deny(...) or rewrite(...)");
      switch (decision.kind()) {
        case DENY:
          outcomes[i] = denied(call, decision.reason().orElse(""));
          break;
        case REWRITE:
          ToolCall rewritten =
              new ToolCall(call.id(), call.name(), decision.arguments().orElse(call.arguments()));
          tasks.add(new Task(i, tool, rewritten));
          break;
        default:
          tasks.add(new Task(i, tool, call));
          break;
      }
    }
    if (tasks.size() <= 1 || oneAtATime || onOwnPool()) {
      for (Task task : tasks) {
        outcomes[task.index()] = runOnCallingThread(task);
      }
    } else {
      runInParallel(tasks, outcomes);
    }
    return Arrays.asList(outcomes);
  }

  // A tool running on the owned pool that calls the connector again would wait for threads it
  // may itself occupy; its calls run on its own thread instead.
  private boolean onOwnPool() {
    Thread current = Thread.currentThread();
    return ownedThreads != null
        && current instanceof ToolThread
        && ((ToolThread) current).factory == ownedThreads;
  }

  private void runInParallel(List<Task> tasks, CallOutcome[] outcomes) {
    List<FutureTask<CallOutcome>> submitted = new ArrayList<>(tasks.size());
    List<Task> submittedTasks = new ArrayList<>(tasks.size());
    List<Task> refused = new ArrayList<>();
    boolean finished = false;
    try {
      for (Task task : tasks) {
        FutureTask<CallOutcome> future = new FutureTask<>(() -> execute(task.tool(), task.call()));
        try {
          executor.execute(future);
          submitted.add(future);
          submittedTasks.add(task);
        } catch (RejectedExecutionException e) {
          refused.add(task);
        }
      }
      // Back pressure: what the executor refused runs here while the others run there.
      for (Task task : refused) {
        outcomes[task.index()] = runOnCallingThread(task);
      }
      for (int i = 0; i < submitted.size(); i++) {
        outcomes[submittedTasks.get(i).index()] = await(submitted.get(i), submittedTasks.get(i));
      }
      finished = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(tasks.size());
    } finally {
      if (!finished) {
        for (FutureTask<CallOutcome> future : submitted) {
          future.cancel(true);
        }
      }
    }
  }

  private CallOutcome await(FutureTask<CallOutcome> future, Task task)
      throws InterruptedException {
    while (true) {
      try {
        return future.get(DROPPED_CALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // An executor shut down with shutdownNow() drops the calls it had queued; they would
        // never complete, so they run here.
        if (executor.isTerminated() && !future.isDone()) {
          future.run();
        }
      } catch (CancellationException e) {
        // Cancelled by the executor, not by this loop: the tool did not run to its end.
        return failed(task.call(), e, 0);
      } catch (ExecutionException e) {
        // execute(...) catches every Exception; what is left is an Error, rethrown as it is.
        Throwable cause = e.getCause();
        if (cause instanceof Error) {
          throw (Error) cause;
        }
        if (cause instanceof RuntimeException) {
          throw (RuntimeException) cause;
        }
        throw new IllegalStateException("tool call failed unexpectedly", cause);
      }
    }
  }

  private CallOutcome runOnCallingThread(Task task) {
    CallOutcome outcome = execute(task.tool(), task.call());
    if (outcome.cause() instanceof InterruptedException) {
      throw interrupted(1);
    }
    return outcome;
  }

  private static CallOutcome execute(Tool tool, ToolCall call) {
    long started = System.nanoTime();
    String content;
    try {
      content = tool.executor().execute(call.arguments());
    } catch (ToolArgumentsException e) {
      return invalidArguments(call, e, System.nanoTime() - started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(call, e, System.nanoTime() - started);
    } catch (Exception e) {
      return failed(call, e, System.nanoTime() - started);
    }
    long nanos = System.nanoTime() - started;
    // The contract says never null, but a tool is application code: treat null as a failure.
    if (content == null) {
      return failed(
          call,
          new IllegalStateException(
              "tool '" + call.name() + "' returned null; return a result such as \"{}\""),
          nanos);
    }
    return new CallOutcome(new ToolResult(call, content, Outcome.SUCCEEDED), null, nanos);
  }

  private static CallOutcome invalidArguments(
      ToolCall call, ToolArgumentsException e, long nanos) {
    String content;
    Outcome outcome;
    if (e.isMalformedJson()) {
      outcome = Outcome.INVALID_JSON;
      content =
          error(
              outcome,
              "The arguments are not valid JSON. Call "
                  + call.name()
                  + " again with a JSON object that matches its parameters schema.");
    } else {
      outcome = Outcome.INVALID_ARGUMENTS;
      String problem = e.getMessage();
      content =
          error(
              outcome,
              problem == null || problem.isBlank()
                  ? "The arguments do not match the parameters schema."
                  : "The arguments do not match the parameters schema: "
                      + truncate(problem, MAX_MESSAGE_CHARS));
    }
    return new CallOutcome(new ToolResult(call, content, outcome), e, nanos);
  }

  // Nothing of the exception reaches the model: its message may hold anything, secrets included.
  private static CallOutcome failed(ToolCall call, Throwable cause, long nanos) {
    String content =
        error(Outcome.FAILED, "The tool " + call.name() + " failed. No details are available.");
    return new CallOutcome(new ToolResult(call, content, Outcome.FAILED), cause, nanos);
  }

  private static CallOutcome unknownTool(ToolCall call, Map<String, Tool> tools) {
    String content =
        error(
            Outcome.UNKNOWN_TOOL,
            "There is no tool named '"
                + displayName(call.name())
                + "'. The tools are: "
                + String.join(", ", tools.keySet())
                + ".");
    return new CallOutcome(new ToolResult(call, content, Outcome.UNKNOWN_TOOL), null, 0);
  }

  private static CallOutcome denied(ToolCall call, String reason) {
    String content =
        error(
            Outcome.DENIED,
            reason.isBlank() ? "The call was denied." : "The call was denied: " + reason);
    return new CallOutcome(new ToolResult(call, content, Outcome.DENIED), null, 0);
  }

  /** The content sent for a call that did not succeed: {"error":"<outcome>","message":"..."}. */
  private static String error(Outcome outcome, String message) {
    return JsonMapping.errorResult(outcome.name().toLowerCase(Locale.ROOT), message);
  }

  private static boolean isFailure(Outcome outcome) {
    return outcome != Outcome.SUCCEEDED && outcome != Outcome.DENIED;
  }

  private static @Nullable ToolChoice relaxed(@Nullable ToolChoice choice) {
    return choice != null && choice.forcesCall() ? ToolChoice.auto() : choice;
  }

  private static CancellationException interrupted(int count) {
    return new CancellationException(
        "Interrupted while "
            + calls(count)
            + " ran"
            + "; the calls still running were cancelled and the thread's interrupt flag is set"
            + " again");
  }

  private static String calls(int count) {
    return count == 1 ? "1 tool call" : count + " tool calls";
  }

  // Names, ids, outcomes and latency only: arguments and results may hold personal data.
  private void logCall(CallOutcome outcome) {
    ToolCall call = outcome.result().call();
    if (log.isDebugEnabled()) {
      log.debug(
          "Tool call name={} id={} outcome={} latency={} ms",
          displayName(call.name()),
          call.id(),
          outcome.result().outcome(),
          TimeUnit.NANOSECONDS.toMillis(outcome.nanos()));
    }
    Throwable cause = outcome.cause();
    if (outcome.result().outcome() == Outcome.FAILED
        && cause != null
        && options.failureMode() == ToolFailureMode.TELL_MODEL) {
      // The exception's message is left out: it may hold the arguments or a secret.
      log.warn(
          "Tool '{}' (call {}) failed with {}; the model was told that it failed, without details",
          call.name(),
          call.id(),
          cause.getClass().getName());
    }
  }

  private static String displayName(String name) {
    return truncate(name, MAX_NAME_CHARS);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  /** A call to run: its position in the round, the tool, and the call as it will run. */
  private record Task(int index, Tool tool, ToolCall call) {}

  /** How a call ended, with the exception behind a failure and how long the tool ran. */
  private record CallOutcome(ToolResult result, @Nullable Throwable cause, long nanos) {}

  /** Creates the daemon threads of the owned pool, marked so a nested loop can tell. */
  private static final class ToolThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable runnable) {
      return new ToolThread(runnable, "openai-connector-tool-" + count.incrementAndGet(), this);
    }
  }

  private static final class ToolThread extends Thread {
    final ToolThreads factory;

    ToolThread(Runnable runnable, String name, ToolThreads factory) {
      super(runnable, name);
      this.factory = factory;
      setDaemon(true);
    }
  }
}
