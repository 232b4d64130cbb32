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
}
