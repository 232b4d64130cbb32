package dev.openaiconnector.openai;

/**
 * The request field that carries {@link dev.openaiconnector.api.ChatRequest#maxTokens()}.
 *
 * <p>OpenAI deprecated {@code max_tokens} and its reasoning models reject it, so {@link
 * #MAX_COMPLETION_TOKENS} is the default; some OpenAI-compatible servers only know {@link
 * #MAX_TOKENS}.
 */
public enum MaxTokensField {
  /** {@code max_completion_tokens}, required by OpenAI's reasoning models. */
  MAX_COMPLETION_TOKENS,
  /** {@code max_tokens}, for older OpenAI-compatible servers. */
  MAX_TOKENS
}
