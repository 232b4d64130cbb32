package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.ChatDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A subscriber that records every signal, the thread it came on, and every breach of the demand
 * it granted or of serial signalling; the test requests through it.
 */
public final class RecordingSubscriber implements Flow.Subscriber<ChatDelta> {
  private final long initialRequest;
  private final BlockingQueue<ChatDelta> deltas = new LinkedBlockingQueue<>();
  private final List<ChatDelta> received = new ArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Thread> signalThreads = new CopyOnWriteArrayList<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong requested = new AtomicLong();
  private volatile Flow.@Nullable Subscription subscription;
  private volatile @Nullable Throwable error;
  private volatile boolean completed;
  private volatile boolean inSignal;
  private volatile Consumer<RecordingSubscriber> onNextAction = subscriber -> {};
  private volatile Runnable afterRequestInOnSubscribe = () -> {};

  private RecordingSubscriber(long initialRequest) {
    this.initialRequest = initialRequest;
  }

  /**
   * A subscriber that requests this many deltas in {@code onSubscribe}; 0 for none.
   *
   * @param initialRequest the first demand
   * @return the subscriber
   */
  public static RecordingSubscriber requesting(long initialRequest) {
    return new RecordingSubscriber(initialRequest);
  }

  /**
   * Runs an action on the signalling thread after each delta is recorded.
   *
   * @param action the action, given this subscriber
   * @return this subscriber
   */
  public RecordingSubscriber onEachDelta(Consumer<RecordingSubscriber> action) {
    this.onNextAction = Objects.requireNonNull(action, "action");
    return this;
  }

  /**
   * Runs an action inside {@code onSubscribe}, after the first request.
   *
   * @param action the action
   * @return this subscriber
   */
  public RecordingSubscriber afterFirstRequest(Runnable action) {
    this.afterRequestInOnSubscribe = Objects.requireNonNull(action, "action");
    return this;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    enter("onSubscribe");
    try {
      if (this.subscription != null) {
        violations.add("onSubscribe twice");
      }
      this.subscription = subscription;
      if (initialRequest != 0) {
        request(initialRequest);
      }
      afterRequestInOnSubscribe.run();
    } finally {
      inSignal = false;
    }
  }

  @Override
  public void onNext(ChatDelta item) {
    enter("onNext");
    try {
      synchronized (received) {
        received.add(item);
        if (received.size() > requested.get()) {
          violations.add("onNext #" + received.size() + " with " + requested.get() + " requested");
        }
      }
      if (completed || error != null) {
        violations.add("onNext after the end");
      }
      deltas.add(item);
      onNextAction.accept(this);
    } finally {
      inSignal = false;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    enter("onError");
    try {
      if (completed || error != null) {
        violations.add("onError after the end");
      }
      error = throwable;
      terminated.countDown();
    } finally {
      inSignal = false;
    }
  }

  @Override
  public void onComplete() {
    enter("onComplete");
    try {
      if (completed || error != null) {
        violations.add("onComplete after the end");
      }
      completed = true;
      terminated.countDown();
    } finally {
      inSignal = false;
    }
  }

  /**
   * Requests more deltas.
   *
   * @param n the demand to add
   */
  public void request(long n) {
    if (n > 0) {
      requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }
    subscription().request(n);
  }

  /** Cancels the subscription. */
  public void cancel() {
    subscription().cancel();
  }

  /**
   * Returns the subscription received in {@code onSubscribe}.
   *
   * @return the subscription
   */
  public Flow.Subscription subscription() {
    Flow.Subscription current = subscription;
    if (current == null) {
      throw new AssertionError("onSubscribe was not called");
    }
    return current;
  }

  /**
   * Waits for the next delta.
   *
   * @return the delta
   * @throws InterruptedException if interrupted while waiting
   */
  public ChatDelta awaitDelta() throws InterruptedException {
    ChatDelta delta = deltas.poll(HandFedStreams.WAIT_SECONDS, TimeUnit.SECONDS);
    if (delta == null) {
      throw new AssertionError("no delta arrived; received " + received());
    }
    return delta;
  }

  /**
   * Waits for {@code onComplete} or {@code onError}.
   *
   * @return this subscriber
   * @throws InterruptedException if interrupted while waiting
   */
  public RecordingSubscriber awaitTermination() throws InterruptedException {
    if (!terminated.await(HandFedStreams.WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("neither onComplete nor onError came");
    }
    return this;
  }

  /**
   * Returns the deltas received so far.
   *
   * @return a copy, in order
   */
  public List<ChatDelta> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * Returns the breaches of the Reactive Streams rules seen.
   *
   * @return a copy; empty when the publisher behaved
   */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * Returns the distinct threads that signalled after {@code onSubscribe}.
   *
   * @return a copy
   */
  public List<Thread> signalThreads() {
    return List.copyOf(signalThreads);
  }

  /**
   * Returns the error received, if any.
   *
   * @return the error, or null
   */
  public @Nullable Throwable error() {
    return error;
  }

  /**
   * Tells whether {@code onComplete} came.
   *
   * @return true once completed
   */
  public boolean completed() {
    return completed;
  }

  private void enter(String signal) {
    if (inSignal) {
      violations.add(signal + " while another signal ran");
    }
    inSignal = true;
    if (!signal.equals("onSubscribe")) {
      signalThreads.addIfAbsent(Thread.currentThread());
    }
  }
}
