package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.StreamCancelledException;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cold {@link Flow.Publisher} of a streamed chat completion: each subscription opens its own
 * {@link ChatStream} once the subscriber first requests, and delivers its deltas as demanded.
 *
 * <p>Threads: reading a stream blocks, so each active subscription gets a daemon thread of its own
 * ({@code openai-connector-stream-N}), started on the first {@code request(n)} after {@code
 * onSubscribe} has returned, and ending with the subscription. Every signal after {@code
 * onSubscribe} comes from that thread, so signals are serial (Reactive Streams §1.3); with tools,
 * the tool calls of the loop also run there. The thread reads at most one delta ahead of the
 * demand, so that {@code onComplete} or {@code onError} follows the last delta without a further
 * request, and waits without polling while there is no demand. Closing the connector ends every
 * subscription with {@code onError} ({@link StreamCancelledException}) and lets its thread end.
 *
 * <p>The rules kept: at most as many {@code onNext} as requested (§1.1), demand summed up to
 * {@link Long#MAX_VALUE} (§3.17), {@code request(n)} with {@code n <= 0} ends with {@code onError}
 * and an {@link IllegalArgumentException} (§3.9), {@code cancel()} closes the stream and stops the
 * signals (§3.5, §1.8), requests and cancels after the end do nothing (§3.6), and a subscriber that
 * throws is treated as having cancelled (§2.13).
 */
final class ChatStreamPublisher implements Flow.Publisher<ChatDelta> {
  private static final Logger log = LoggerFactory.getLogger(ChatStreamPublisher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ProviderConnector connector;
  private final ChatRequest request;

  /**
   * Creates the publisher.
   *
   * @param connector the connector each subscription streams through
   * @param request the request each subscription sends
   */
  ChatStreamPublisher(ProviderConnector connector, ChatRequest request) {
    this.connector = connector;
    this.request = request;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatDelta> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    new Delivery(subscriber).begin();
  }

  @Override
  public String toString() {
    return "ChatStreamPublisher[provider=" + connector.providerId() + ", model=" + request.model()
        + "]";
  }

  private enum Wake {
    DELIVER,
    CANCELLED,
    BAD_REQUEST,
    SHUT_DOWN
  }

  /** One subscription and the thread that serves it. */
  private final class Delivery implements Flow.Subscription, Runnable, AutoCloseable {
    private final Flow.Subscriber<? super ChatDelta> subscriber;
    private final Object lock = new Object();

    // Guarded by lock.
    private long demand;
    private boolean subscribed;
    private boolean started;
    private boolean cancelled;
    private boolean shutDown;
    private @Nullable IllegalArgumentException badRequest;
    private @Nullable ChatStream stream;

    Delivery(Flow.Subscriber<? super ChatDelta> subscriber) {
      this.subscriber = subscriber;
    }

    void begin() {
      try {
        subscriber.onSubscribe(this);
      } catch (RuntimeException e) {
        subscriberFailed("onSubscribe", e);
        return;
      }
      boolean start;
      synchronized (lock) {
        subscribed = true;
        start = shouldStart();
      }
      if (start) {
        startThread();
      }
    }

    @Override
    public void request(long n) {
      boolean start;
      ChatStream reading = null;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        if (n <= 0) {
          if (badRequest == null) {
            badRequest =
                new IllegalArgumentException(
                    "request(n) needs n > 0 (Reactive Streams rule 3.9), was " + n);
            // Stops a read in progress, so that the error follows promptly.
            reading = stream;
          }
        } else {
          demand += n;
          if (demand < 0) {
            demand = Long.MAX_VALUE;
          }
        }
        lock.notifyAll();
        start = shouldStart();
      }
      if (reading != null) {
        reading.close();
      }
      if (start) {
        startThread();
      }
    }

    @Override
    public void cancel() {
      ChatStream open;
      synchronized (lock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        open = stream;
        lock.notifyAll();
      }
      if (open != null) {
        open.close();
      }
    }

    /** The connector closes: the subscription ends with an error. */
    @Override
    public void close() {
      ChatStream open;
      synchronized (lock) {
        shutDown = true;
        open = stream;
        lock.notifyAll();
      }
      if (open != null) {
        open.close();
      }
    }

    @Override
    public void run() {
      ChatStream opened = null;
      try {
        try {
          connector.register(this);
        } catch (IllegalStateException closedBeforeTheFirstRequest) {
          // The documented signal for a subscription the connector's close() ended.
          stop(Wake.SHUT_DOWN);
          return;
        }
        Wake wake = awaitDemand();
        if (wake != Wake.DELIVER) {
          stop(wake);
          return;
        }
        opened = connector.stream(request);
        Wake early;
        synchronized (lock) {
          stream = opened;
          early = endReason();
        }
        // A cancel or a shutdown that came while the stream opened found no stream to close:
        // stop here rather than block on the first delta.
        if (early != null) {
          stop(early);
          return;
        }
        Iterator<ChatDelta> deltas = opened.iterator();
        // One delta is read ahead of the demand, so that the end (or a failure) is signalled
        // without waiting for a request the subscriber has no reason to make.
        while (deltas.hasNext()) {
          ChatDelta delta = deltas.next();
          wake = awaitDemand();
          if (wake != Wake.DELIVER) {
            stop(wake);
            return;
          }
          synchronized (lock) {
            if (cancelled) {
              return;
            }
            if (demand != Long.MAX_VALUE) {
              demand--;
            }
          }
          try {
            subscriber.onNext(delta);
          } catch (RuntimeException e) {
            subscriberFailed("onNext", e);
            return;
          }
        }
        if (terminate()) {
          try {
            subscriber.onComplete();
          } catch (RuntimeException e) {
            subscriberFailed("onComplete", e);
          }
        }
      } catch (RuntimeException e) {
        // A stream closed by cancel(), request(n <= 0) or the connector ends for that reason.
        Wake reason = endReason();
        if (reason == null) {
          signalError(e);
        } else {
          stop(reason);
        }
      } finally {
        if (opened != null) {
          opened.close();
        }
        connector.deregister(this);
        terminate();
      }
    }

    private boolean shouldStart() {
      if (!started && subscribed && !cancelled && (demand > 0 || badRequest != null)) {
        started = true;
        return true;
      }
      return false;
    }

    private void startThread() {
      Thread thread = new Thread(this, "openai-connector-stream-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      thread.start();
    }

    private Wake awaitDemand() {
      synchronized (lock) {
        while (true) {
          if (cancelled) {
            return Wake.CANCELLED;
          }
          if (badRequest != null) {
            return Wake.BAD_REQUEST;
          }
          if (shutDown) {
            return Wake.SHUT_DOWN;
          }
          if (demand > 0) {
            return Wake.DELIVER;
          }
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // Nobody but the connector owns this thread; an interrupt ends the subscription.
            Thread.currentThread().interrupt();
            return Wake.SHUT_DOWN;
          }
        }
      }
    }

    private @Nullable Wake endReason() {
      synchronized (lock) {
        if (cancelled) {
          return Wake.CANCELLED;
        }
        if (badRequest != null) {
          return Wake.BAD_REQUEST;
        }
        return shutDown ? Wake.SHUT_DOWN : null;
      }
    }

    private void stop(Wake wake) {
      if (wake == Wake.BAD_REQUEST) {
        IllegalArgumentException bad;
        synchronized (lock) {
          bad = badRequest;
        }
        signalError(
            bad != null ? bad : new IllegalArgumentException("request(n) needs n > 0 (rule 3.9)"));
      } else if (wake == Wake.SHUT_DOWN) {
        signalError(new StreamCancelledException(connector.providerId()));
      }
    }

    private void signalError(RuntimeException e) {
      if (terminate()) {
        try {
          subscriber.onError(e);
        } catch (RuntimeException thrown) {
          subscriberFailed("onError", thrown);
        }
      }
    }

    // Marks the subscription ended; false if the subscriber had cancelled, which ends the signals.
    private boolean terminate() {
      synchronized (lock) {
        if (cancelled) {
          return false;
        }
        cancelled = true;
        return true;
      }
    }

    private void subscriberFailed(String signal, RuntimeException e) {
      cancel();
      // The message is left out: a subscriber may put anything in it, deltas included.
      log.warn(
          "Subscriber {} threw {} from {}; its subscription is cancelled (Reactive Streams rule"
              + " 2.13)",
          subscriber.getClass().getName(),
          e.getClass().getName(),
          signal);
    }
  }
}
