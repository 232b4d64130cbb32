package dev.openaiconnector.core;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolCallDecision;
import dev.openaiconnector.api.ToolLoopLimitException;
import dev.openaiconnector.api.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a connector runs the tool calls the model asks for: the limits of the loop, what a failed
 * call does, the hooks around each call, and the threads the calls run on. Set once per connector
 * with {@link Connectors.Builder#toolLoop(ToolLoopOptions)}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Connector ai = Connectors.builder()
 *     .toolLoop(ToolLoopOptions.builder()
 *         .maxRounds(5)
 *         .beforeCall(call -> call.name().equals("delete_order")
 *             ? ToolCallDecision.deny("Deleting orders needs a human; tell the user so.")
 *             : ToolCallDecision.approve())
 *         .afterCall(result -> audit.record(result.call().name(), result.outcome()))
 *         .build())
 *     .build();
 * }</pre>
 *
 * <h2>The loop</h2>
 *
 * <p>While the model answers with tool calls, the connector runs them, appends the assistant
 * message and one tool message per call (in the order of the calls) to the conversation, and asks
 * the model again. A {@code required} or named tool choice applies to the first call only; later
 * calls use {@code auto}. Several calls in one answer run in parallel, one call runs on the calling
 * thread, and calls of a request with {@code parallelToolCalls(false)} run one after the other on
 * the calling thread.
 *
 * <h2>Limits</h2>
 *
 * <p>Past {@link #maxRounds()} rounds, or when the model asks for more than {@link
 * #maxCallsPerTool()} calls of one tool within one request, the loop stops with a {@link
 * ToolLoopLimitException} that carries the conversation so far (ending with the last round's tool
 * results, so it can be sent again) and the completed rounds with their usage. The calls of the
 * answer that broke the limit are not run.
 *
 * <h2>Hooks</h2>
 *
 * <p>The hooks run on the thread that called {@code chat} (or {@code send}; for a stream, the
 * thread that reads it, and for a {@code streamPublisher} subscription, its delivery thread), in
 * the order of the calls: every before-call hook of a round before any of its calls runs, every
 * after-call hook once the round's calls have finished. A shared connector calls them from many
 * threads at once, so they must be thread-safe. An exception thrown by a hook is the application's
 * own failure, not the tool's: it reaches the caller unchanged and the loop stops without calling
 * the model again (a session's history stays as it was); when a before-call hook throws, no call
 * of that round runs.
 * A before-call hook is not asked about a call of a tool that does not exist; the after-call hook
 * sees every call, whatever its outcome, before a {@link ToolFailureMode#THROW} failure is thrown.
 *
 * <h2>Threads</h2>
 *
 * <p>By default the calls run on a pool owned by the connector: {@link #parallelism()} daemon
 * threads, started on demand and stopped when idle, with a bounded queue; {@link
 * dev.openaiconnector.api.Connector#close()} shuts it down. A call the pool (or an {@link
 * #executor() executor} of the application) refuses, because its queue is full or it is shut down,
 * runs on the calling thread instead. A tool that itself calls the connector with tools runs its
 * calls on its own thread rather than waiting for the pool it occupies.
 *
 * <p>If the calling thread is interrupted while it waits for the calls of a round, the calls still
 * running are cancelled (their threads interrupted), the thread's interrupt flag is set again and
 * the loop ends with a {@link CancellationException}.
 */
public final class ToolLoopOptions {
  /** The default bound on rounds of tool calls per request. */
  public static final int DEFAULT_MAX_ROUNDS = 10;

  /** The default bound on calls of one tool per request. */
  public static final int DEFAULT_MAX_CALLS_PER_TOOL = 20;

  /** The default number of threads of the connector's own pool. */
  public static final int DEFAULT_PARALLELISM = 8;

  /** A bound that never stops the loop, for {@link Builder#maxCallsPerTool(int)}. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private static final ToolLoopOptions DEFAULTS = builder().build();

  private final int maxRounds;
  private final int maxCallsPerTool;
  private final ToolFailureMode failureMode;
  private final Function<ToolCall, ToolCallDecision> beforeCall;
  private final Consumer<ToolResult> afterCall;
  private final @Nullable ExecutorService executor;
  private final @Nullable Integer parallelism;

  private ToolLoopOptions(Builder builder) {
    this.maxRounds = builder.maxRounds;
    this.maxCallsPerTool = builder.maxCallsPerTool;
    this.failureMode = builder.failureMode;
    this.beforeCall = builder.beforeCall;
    this.afterCall = builder.afterCall;
    this.executor = builder.executor;
    this.parallelism = builder.parallelism;
  }

  /**
   * Returns the options every connector uses unless told otherwise: {@value #DEFAULT_MAX_ROUNDS}
   * rounds, {@value #DEFAULT_MAX_CALLS_PER_TOOL} calls per tool, failures told to the model, no
   * hooks, and a pool of {@value #DEFAULT_PARALLELISM} threads.
   *
   * @return the default options
   */
  public static ToolLoopOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts options from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options, to derive changed ones.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxRounds = maxRounds;
    builder.maxCallsPerTool = maxCallsPerTool;
    builder.failureMode = failureMode;
    builder.beforeCall = beforeCall;
    builder.afterCall = afterCall;
    builder.executor = executor;
    builder.parallelism = parallelism;
    return builder;
  }

  /**
   * Returns how many rounds of tool calls one request may take before the loop stops.
   *
   * @return at least 1
   */
  public int maxRounds() {
    return maxRounds;
  }

  /**
   * Returns how many calls of one tool the model may ask for within one request, whatever their
   * outcome.
   *
   * @return at least 1; {@link #UNLIMITED} for no bound
   */
  public int maxCallsPerTool() {
    return maxCallsPerTool;
  }

  /**
   * Returns what a failed tool call does.
   *
   * @return the failure mode
   */
  public ToolFailureMode failureMode() {
    return failureMode;
  }

  /**
   * Returns the hook asked before each call whether to run it.
   *
   * @return the hook; approves every call unless set
   */
  public Function<ToolCall, ToolCallDecision> beforeCall() {
    return beforeCall;
  }

  /**
   * Returns the hook told the result of each call.
   *
   * @return the hook; does nothing unless set
   */
  public Consumer<ToolResult> afterCall() {
    return afterCall;
  }

  /**
   * Returns the application's executor the calls run on, which the connector never shuts down.
   *
   * @return the executor, or empty for the connector's own pool
   */
  public Optional<ExecutorService> executor() {
    return Optional.ofNullable(executor);
  }

  /**
   * Returns the number of threads of the connector's own pool, used when no {@link #executor()}
   * is set.
   *
   * @return at least 1
   */
  public int parallelism() {
    return parallelism == null ? DEFAULT_PARALLELISM : parallelism;
  }

  @Override
  public String toString() {
    return "ToolLoopOptions[maxRounds="
        + maxRounds
        + ", maxCallsPerTool="
        + (maxCallsPerTool == UNLIMITED ? "unlimited" : Integer.toString(maxCallsPerTool))
        + ", failureMode="
        + failureMode
        + (executor == null ? ", parallelism=" + parallelism() : ", executor=application's")
        + "]";
  }

  /** Builds {@link ToolLoopOptions}. Not thread-safe. */
  public static final class Builder {
    private int maxRounds = DEFAULT_MAX_ROUNDS;
    private int maxCallsPerTool = DEFAULT_MAX_CALLS_PER_TOOL;
    private ToolFailureMode failureMode = ToolFailureMode.TELL_MODEL;
    private Function<ToolCall, ToolCallDecision> beforeCall = call -> ToolCallDecision.approve();
    private Consumer<ToolResult> afterCall = result -> {};
    private @Nullable ExecutorService executor;
    private @Nullable Integer parallelism;

    private Builder() {}

    /**
     * Sets how many rounds of tool calls one request may take.
     *
     * @param maxRounds at least 1; {@value ToolLoopOptions#DEFAULT_MAX_ROUNDS} unless set
     * @return this builder
     */
    public Builder maxRounds(int maxRounds) {
      this.maxRounds = maxRounds;
      return this;
    }

    /**
     * Sets how many calls of one tool the model may ask for within one request.
     *
     * @param maxCallsPerTool at least 1, or {@link ToolLoopOptions#UNLIMITED}; {@value
     *     ToolLoopOptions#DEFAULT_MAX_CALLS_PER_TOOL} unless set
     * @return this builder
     */
    public Builder maxCallsPerTool(int maxCallsPerTool) {
      this.maxCallsPerTool = maxCallsPerTool;
      return this;
    }

    /**
     * Sets what a failed tool call does.
     *
     * @param failureMode the mode; {@link ToolFailureMode#TELL_MODEL} unless set
     * @return this builder
     */
    public Builder failureMode(ToolFailureMode failureMode) {
      this.failureMode = Objects.requireNonNull(failureMode, "failureMode");
      return this;
    }

    /**
     * Sets the hook asked before each call: {@link ToolCallDecision#approve()} runs it, {@link
     * ToolCallDecision#deny(String)} tells the model the reason instead, {@link
     * ToolCallDecision#rewrite(String)} runs it with other arguments. It must not return null.
     *
     * @param beforeCall the hook, replacing any set before
     * @return this builder
     */
    public Builder beforeCall(Function<ToolCall, ToolCallDecision> beforeCall) {
      this.beforeCall = Objects.requireNonNull(beforeCall, "beforeCall");
      return this;
    }

    /**
     * Sets the hook told the result of each call, for example to audit it.
     *
     * @param afterCall the hook, replacing any set before
     * @return this builder
     */
    public Builder afterCall(Consumer<ToolResult> afterCall) {
      this.afterCall = Objects.requireNonNull(afterCall, "afterCall");
      return this;
    }

    /**
     * Runs the calls on the application's executor instead of the connector's own pool. The
     * connector never shuts it down.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the number of threads of the connector's own pool; cannot be combined with {@link
     * #executor(ExecutorService)}.
     *
     * @param parallelism at least 1; {@value ToolLoopOptions#DEFAULT_PARALLELISM} unless set
     * @return this builder
     */
    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Checks every value and builds the options.
     *
     * @return the options
     * @throws ConfigurationException listing every problem, each naming the option
     */
    public ToolLoopOptions build() {
      List<String> problems = new ArrayList<>();
      if (maxRounds < 1) {
        problems.add("maxRounds must be at least 1, was " + maxRounds);
      }
      if (maxCallsPerTool < 1) {
        problems.add(
            "maxCallsPerTool must be at least 1, was "
                + maxCallsPerTool
                + "; use ToolLoopOptions.UNLIMITED for no bound");
      }
      if (parallelism != null && parallelism < 1) {
        problems.add("parallelism must be at least 1, was " + parallelism);
      }
      if (parallelism != null && executor != null) {
        problems.add(
            "parallelism sizes the connector's own pool and cannot be combined with executor(...);"
                + " size the application's executor instead");
      }
      if (!problems.isEmpty()) {
        throw new ConfigurationException(
            "Invalid tool loop options: " + String.join("; ", problems), null);
      }
      return new ToolLoopOptions(this);
    }
  }
}
