package dev.openaiconnector.spi;

/**
 * What a provider can do. The core checks a request against the provider's capabilities and
 * rejects an unsupported option with {@link dev.openaiconnector.api.UnsupportedCapabilityException}
 * before any network call, rather than letting it be silently dropped.
 */
public enum Capability {
  /** Chat completions. */
  CHAT,
  /** Images in user messages. */
  VISION,
  /** {@code json_object} response format. */
  JSON_MODE,
  /** Function calling. */
  TOOLS,
  /** {@code json_schema} response format (structured output). */
  STRUCTURED_OUTPUT,
  /** Streamed chat completions. */
  CHAT_STREAMING,
  /** Embeddings. */
  EMBEDDINGS,
  /** Image generation. */
  IMAGE_GENERATION
}
