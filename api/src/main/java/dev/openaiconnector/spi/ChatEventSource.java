package dev.openaiconnector.spi;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.RateLimits;
import org.jspecify.annotations.Nullable;

/**
 * The deltas of one streamed call, pulled one at a time by the core.
 *
 * <p>{@link #next()} is called from one thread at a time; {@link #close()} may be called from
 * any thread, also while {@code next()} is blocked, and must then make it return or throw
 * promptly. The source reads the wire incrementally: it must never buffer the whole response.
 */
public interface ChatEventSource extends AutoCloseable {
  /**
   * Returns the next delta, waiting for it to arrive.
   *
   * @return the delta, or null once the stream has ended normally
   * @throws dev.openaiconnector.api.ConnectorException if the stream failed: an error event, a
   *     malformed chunk, an end without the end marker, or no data within the idle timeout
   */
  @Nullable ChatDelta next();

  /**
   * Returns the provider's request id, from the response headers.
   *
   * @return the request id, or null if the provider sent none
   */
  @Nullable String requestId();

  /**
   * Returns the provider's rate-limit state, from the response headers.
   *
   * @return the rate limits, {@link RateLimits#NONE} if the provider sent none
   */
  RateLimits rateLimits();

  /**
   * Returns the content filter's verdicts reported so far in the stream (Azure OpenAI sends them in
   * chunks of their own); read by the core once the stream has ended.
   *
   * @return the report, {@link ContentFilterReport#NONE} for a provider without a content filter
   */
  default ContentFilterReport contentFilter() {
    return ContentFilterReport.NONE;
  }

  /**
   * Returns the completion's id as the stream reports it.
   *
   * @return the id, or null before the first delta or if the provider sent none
   */
  @Nullable String completionId();

  /**
   * Returns the model that answers, as the stream reports it.
   *
   * @return the model, or null before the first delta or if the provider sent none
   */
  @Nullable String model();

  /** Stops reading and releases the connection; idempotent. */
  @Override
  void close();
}
