package dev.openaiconnector.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call. In the tool loop a {@link #required()} or named
 * choice applies to the first round only; later rounds use {@link #auto()}, or the model could
 * never give its final answer.
 */
public final class ToolChoice {
  private static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
  private static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
  private static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

  private final Mode mode;
  private final @Nullable String toolName;

  private ToolChoice(Mode mode, @Nullable String toolName) {
    this.mode = mode;
    this.toolName = toolName;
  }

  /**
   * The model decides: answer or call tools. The default when tools are given.
   *
   * @return the choice
   */
  public static ToolChoice auto() {
    return AUTO;
  }

  /**
   * The model must not call tools.
   *
   * @return the choice
   */
  public static ToolChoice none() {
    return NONE;
  }

  /**
   * The model must call at least one tool.
   *
   * @return the choice
   */
  public static ToolChoice required() {
    return REQUIRED;
  }

  /**
   * The model must call this tool.
   *
   * @param toolName the tool's name
   * @return the choice
   */
  public static ToolChoice tool(String toolName) {
    return new ToolChoice(Mode.NAMED, Objects.requireNonNull(toolName, "toolName"));
  }

  /**
   * Returns the kind of choice.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * Returns the tool the model must call, for {@link Mode#NAMED}.
   *
   * @return the tool name
   */
  public Optional<String> toolName() {
    return Optional.ofNullable(toolName);
  }

  /**
   * Tells whether this choice forces a tool call.
   *
   * @return true for {@link #required()} and a named tool
   */
  public boolean forcesCall() {
    return mode == Mode.REQUIRED || mode == Mode.NAMED;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ToolChoice
        && ((ToolChoice) other).mode == mode
        && Objects.equals(((ToolChoice) other).toolName, toolName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, toolName);
  }

  @Override
  public String toString() {
    return toolName == null ? "ToolChoice[" + mode + "]" : "ToolChoice[" + toolName + "]";
  }

  /** The kinds of tool choice. */
  public enum Mode {
    /** The model decides. */
    AUTO,
    /** No tool calls. */
    NONE,
    /** At least one tool call. */
    REQUIRED,
    /** A call of one named tool. */
    NAMED
  }
}
