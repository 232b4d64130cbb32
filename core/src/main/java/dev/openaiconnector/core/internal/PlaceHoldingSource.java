package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.spi.ChatEventSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A stream's source that keeps the stream's place in the connector's bulkhead until it is closed,
 * and frees it exactly once, however often and from however many threads it is closed.
 */
final class PlaceHoldingSource implements ChatEventSource {
  private final ChatEventSource source;
  private final Runnable freePlace;
  private final AtomicBoolean closed = new AtomicBoolean();

  PlaceHoldingSource(ChatEventSource source, Runnable freePlace) {
    this.source = source;
    this.freePlace = freePlace;
  }

  @Override
  public @Nullable ChatDelta next() {
    return source.next();
  }

  @Override
  public @Nullable String requestId() {
    return source.requestId();
  }

  @Override
  public RateLimits rateLimits() {
    return source.rateLimits();
  }

  @Override
  public ContentFilterReport contentFilter() {
    return source.contentFilter();
  }

  @Override
  public @Nullable String completionId() {
    return source.completionId();
  }

  @Override
  public @Nullable String model() {
    return source.model();
  }

  @Override
  public void close() {
    try {
      source.close();
    } finally {
      if (closed.compareAndSet(false, true)) {
        freePlace.run();
      }
    }
  }
}
