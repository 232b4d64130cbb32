package dev.openaiconnector.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a before-call hook decides for a tool call: run it, refuse it (the model is told why), or
 * run it with other arguments.
 */
public final class ToolCallDecision {
  private static final ToolCallDecision APPROVE = new ToolCallDecision(Kind.APPROVE, null);

  private final Kind kind;
  private final @Nullable String value;

  private ToolCallDecision(Kind kind, @Nullable String value) {
    this.kind = kind;
    this.value = value;
  }

  /**
   * Run the call as the model asked.
   *
   * @return the decision
   */
  public static ToolCallDecision approve() {
    return APPROVE;
  }

  /**
   * Do not run the call; the model reads the reason as the tool's result.
   *
   * @param reason why, in words the model can act on
   * @return the decision
   */
  public static ToolCallDecision deny(String reason) {
    return new ToolCallDecision(Kind.DENY, Objects.requireNonNull(reason, "reason"));
  }

  /**
   * Run the call with other arguments, for example with a limit added.
   *
   * @param argumentsJson the arguments to use instead, a JSON object
   * @return the decision
   */
  public static ToolCallDecision rewrite(String argumentsJson) {
    return new ToolCallDecision(Kind.REWRITE, Objects.requireNonNull(argumentsJson, "arguments"));
  }

  /**
   * Returns the kind of decision.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the reason of a denial.
   *
   * @return the reason, for {@link Kind#DENY}
   */
  public Optional<String> reason() {
    return kind == Kind.DENY ? Optional.ofNullable(value) : Optional.empty();
  }

  /**
   * Returns the arguments of a rewrite.
   *
   * @return the arguments, for {@link Kind#REWRITE}
   */
  public Optional<String> arguments() {
    return kind == Kind.REWRITE ? Optional.ofNullable(value) : Optional.empty();
  }

  @Override
  public String toString() {
    return "ToolCallDecision[" + kind + "]";
  }

  /** The kinds of decision. */
  public enum Kind {
    /** Run the call. */
    APPROVE,
    /** Refuse the call. */
    DENY,
    /** Run the call with other arguments. */
    REWRITE
  }
}
