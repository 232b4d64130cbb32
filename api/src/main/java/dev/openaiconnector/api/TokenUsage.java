package dev.openaiconnector.api;

/**
 * Tokens counted by the provider for one call, or summed over several.
 *
 * @param promptTokens tokens in the input
 * @param completionTokens tokens in the output, reasoning included
 * @param totalTokens prompt plus completion tokens
 * @param cachedTokens the part of the prompt served from the provider's prompt cache
 * @param reasoningTokens the part of the completion spent on hidden reasoning
 */
public record TokenUsage(
    long promptTokens,
    long completionTokens,
    long totalTokens,
    long cachedTokens,
    long reasoningTokens) {

  /** No tokens. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0, 0);

  /** Checks no count is negative. */
  public TokenUsage {
    if (promptTokens < 0
        || completionTokens < 0
        || totalTokens < 0
        || cachedTokens < 0
        || reasoningTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /**
   * Usage with prompt and completion tokens only.
   *
   * @param promptTokens tokens in the input
   * @param completionTokens tokens in the output
   * @return the usage, with the total computed
   */
  public static TokenUsage of(long promptTokens, long completionTokens) {
    return new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens, 0, 0);
  }

  /**
   * Adds two usages.
   *
   * @param other the usage to add
   * @return the sum
   */
  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        totalTokens + other.totalTokens,
        cachedTokens + other.cachedTokens,
        reasoningTokens + other.reasoningTokens);
  }

  /**
   * Subtracts an earlier usage from this one: what was used in between, for example over one step
   * of a longer task.
   *
   * @param earlier a usage no larger than this one in any count
   * @return the difference
   * @throws IllegalArgumentException if a count of {@code earlier} is larger than this one's,
   *     naming the count: subtract the earlier usage from the later one
   */
  public TokenUsage minus(TokenUsage earlier) {
    return new TokenUsage(
        difference("promptTokens", promptTokens, earlier.promptTokens),
        difference("completionTokens", completionTokens, earlier.completionTokens),
        difference("totalTokens", totalTokens, earlier.totalTokens),
        difference("cachedTokens", cachedTokens, earlier.cachedTokens),
        difference("reasoningTokens", reasoningTokens, earlier.reasoningTokens));
  }

  private static long difference(String count, long later, long earlier) {
    if (earlier > later) {
      throw new IllegalArgumentException(
          "cannot subtract "
              + count
              + " "
              + earlier
              + " from "
              + later
              + ": subtract the earlier usage from the later one");
    }
    return later - earlier;
  }
}
