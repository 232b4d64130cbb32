package dev.openaiconnector.api;

/** The kinds of remote call, as usage is aggregated and reported. */
public enum Operation {
  /** A chat completion. */
  CHAT,
  /** A streamed chat completion. */
  CHAT_STREAM,
  /** An embeddings call. */
  EMBEDDINGS,
  /** An image generation call. */
  IMAGES
}
