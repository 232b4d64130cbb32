package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.Provider;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A provider whose streams block until the test hands them their deltas, so that a test can close
 * a stream while its reader waits. Each {@link Source} returns null once closed, as a source may:
 * the core must not take that for a normal end.
 */
public final class HandFedStreams implements Provider, ChatStreamPort {
  /** How long a test waits for the other thread before it fails. */
  public static final long WAIT_SECONDS = 10;

  private final BlockingQueue<Source> opened = new LinkedBlockingQueue<>();

  @Override
  public String id() {
    return "hand-fed";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.CHAT, Capability.CHAT_STREAMING, Capability.TOOLS);
  }

  @Override
  public ChatPort chat() {
    return (request, deadline) -> {
      throw new AssertionError("HandFedStreams only streams");
    };
  }

  @Override
  public Optional<ChatStreamPort> chatStream() {
    return Optional.of(this);
  }

  @Override
  public ChatEventSource open(ChatRequest request, Deadline deadline) {
    Source source = new Source(request.model());
    opened.add(source);
    return source;
  }

  /**
   * Returns the next source opened, waiting for it.
   *
   * @return the source
   * @throws InterruptedException if interrupted while waiting
   */
  public Source awaitOpened() throws InterruptedException {
    Source source = opened.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (source == null) {
      throw new AssertionError("no stream was opened");
    }
    return source;
  }

  @Override
  public void close() {}

  /** A source whose deltas the test hands over. */
  public static final class Source implements ChatEventSource {
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private final String model;
    private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    private final Semaphore reads = new Semaphore(0);
    private volatile int closeCalls;

    Source(String model) {
      this.model = model;
    }

    /**
     * Hands over a delta.
     *
     * @param delta the delta {@link #next()} returns
     * @return this source
     */
    public Source feed(ChatDelta delta) {
      items.add(delta);
      return this;
    }

    /**
     * Ends the stream normally.
     *
     * @return this source
     */
    public Source end() {
      items.add(END);
      return this;
    }

    /**
     * Waits until a reader has called {@link #next()} once more.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitReader() throws InterruptedException {
      if (!reads.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("nobody read the stream");
      }
    }

    /**
     * Tells whether the source was closed.
     *
     * @return true once {@link #close()} was called
     */
    public boolean isClosed() {
      return closeCalls > 0;
    }

    @Override
    public @Nullable ChatDelta next() {
      reads.release();
      Object item;
      try {
        item = items.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (item == END || item == CLOSED) {
        if (item == CLOSED) {
          items.add(CLOSED);
        }
        return null;
      }
      return (ChatDelta) item;
    }

    @Override
    public String requestId() {
      return "req-hand-fed";
    }

    @Override
    public RateLimits rateLimits() {
      return RateLimits.NONE;
    }

    @Override
    public String completionId() {
      return "chatcmpl-hand-fed";
    }

    @Override
    public String model() {
      return model;
    }

    @Override
    public synchronized void close() {
      closeCalls++;
      items.add(CLOSED);
    }
  }
}
