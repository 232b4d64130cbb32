package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.RateLimits;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A provider over a {@link FakeProvider} that records the deadline each port call got, can hold
 * chat calls until the test lets them go, and can give streams rate limits.
 */
public final class InstrumentedProvider implements Provider {
  private final FakeProvider fake;
  private final List<Deadline> chatDeadlines = new CopyOnWriteArrayList<>();
  private final List<Long> chatRemainingNanos = new CopyOnWriteArrayList<>();
  private final List<Deadline> streamDeadlines = new CopyOnWriteArrayList<>();
  private final Deque<RateLimits> streamRateLimits = new ArrayDeque<>();
  private final Deque<ContentFilterReport> streamContentFilters = new ArrayDeque<>();
  private volatile @Nullable CountDownLatch gate;
  private final CountDownLatch entered = new CountDownLatch(1);
  private volatile @Nullable CountDownLatch streamGate;
  private final CountDownLatch streamEntered = new CountDownLatch(1);

  /**
   * Wraps a fake.
   *
   * @param fake the fake that scripts the answers
   */
  public InstrumentedProvider(FakeProvider fake) {
    this.fake = fake;
  }

  /**
   * Holds every later chat call until {@code gate} opens.
   *
   * @param gate the gate
   * @return this provider
   */
  public InstrumentedProvider holdChatCallsUntil(CountDownLatch gate) {
    this.gate = gate;
    return this;
  }

  /**
   * Holds every later opening of a stream until {@code gate} opens.
   *
   * @param gate the gate
   * @return this provider
   */
  public InstrumentedProvider holdStreamOpensUntil(CountDownLatch gate) {
    this.streamGate = gate;
    return this;
  }

  /**
   * Waits until an opening of a stream is held inside the port.
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitHeldStreamOpen() throws InterruptedException {
    if (!streamEntered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no held stream opening reached the port within 10 s");
    }
  }

  /**
   * Gives the next opened stream these rate limits.
   *
   * @param rateLimits the rate limits
   * @return this provider
   */
  public synchronized InstrumentedProvider nextStreamRateLimits(RateLimits rateLimits) {
    streamRateLimits.add(rateLimits);
    return this;
  }

  /**
   * Gives the next opened stream this content filter report.
   *
   * @param report the report
   * @return this provider
   */
  public synchronized InstrumentedProvider nextStreamContentFilter(ContentFilterReport report) {
    streamContentFilters.add(report);
    return this;
  }

  /**
   * Waits until a chat call is inside the port.
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitChatCall() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no chat call reached the port within 10 s");
    }
  }

  /**
   * Returns the deadlines the chat port got, oldest first.
   *
   * @return a copy
   */
  public List<Deadline> chatDeadlines() {
    return List.copyOf(chatDeadlines);
  }

  /**
   * Returns the time each chat call's deadline left when the call reached the port, in nanos.
   *
   * @return a copy, oldest first
   */
  public List<Long> chatRemainingNanos() {
    return List.copyOf(chatRemainingNanos);
  }

  /**
   * Returns the deadlines the stream port got, oldest first.
   *
   * @return a copy
   */
  public List<Deadline> streamDeadlines() {
    return List.copyOf(streamDeadlines);
  }

  @Override
  public String id() {
    return fake.id();
  }

  @Override
  public Set<Capability> capabilities() {
    return fake.capabilities();
  }

  @Override
  public ChatPort chat() {
    return this::complete;
  }

  @Override
  public Optional<ChatStreamPort> chatStream() {
    return Optional.of(this::open);
  }

  @Override
  public void close() {
    fake.close();
  }

  private ChatResponse complete(ChatRequest request, Deadline deadline) {
    chatRemainingNanos.add(deadline.remainingNanos());
    chatDeadlines.add(deadline);
    entered.countDown();
    CountDownLatch held = gate;
    if (held != null) {
      await(held);
    }
    return fake.chat().complete(request, deadline);
  }

  private static void await(CountDownLatch held) {
    try {
      if (!held.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never let the held call go");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private ChatEventSource open(ChatRequest request, Deadline deadline) {
    streamDeadlines.add(deadline);
    CountDownLatch held = streamGate;
    if (held != null) {
      streamEntered.countDown();
      await(held);
    }
    ChatEventSource source = fake.streams().open(request, deadline);
    RateLimits limits;
    ContentFilterReport filter;
    synchronized (this) {
      limits = streamRateLimits.isEmpty() ? RateLimits.NONE : streamRateLimits.poll();
      filter =
          streamContentFilters.isEmpty() ? ContentFilterReport.NONE : streamContentFilters.poll();
    }
    return new ChatEventSource() {
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
        return limits;
      }

      @Override
      public ContentFilterReport contentFilter() {
        return filter;
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
        source.close();
      }
    };
  }
}
