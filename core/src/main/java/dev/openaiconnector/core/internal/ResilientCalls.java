package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.CircuitOpenException;
import dev.openaiconnector.api.ClientRateLimitException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.RetriableException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the remote calls of one connector with its {@link ResilienceOptions}: the retry loop
 * outside, then per attempt the circuit breaker of the call's operation, the rate limiter, the
 * bulkhead and the provider's call, in Resilience4j's documented order. Every call is observed
 * through a {@link CallTrace}: listener events and one DEBUG line when it ends. Thread-safe.
 *
 * <p>The DEBUG line's {@code outcome} is {@code ok} when the provider answered with success (a
 * 2xx status; a stream's whole response arrived), else the failure's simple class name and, when
 * it has one, its HTTP status, as in {@code ServerException(503)}. A success carries no status of
 * its own ({@link CallSuccess} has none), so {@code ok} never names one.
 *
 * <p>The Resilience4j parts are used through their programmatic API (acquire a permission, report
 * the outcome), which costs no lambdas or decorators on the hot path.
 */
public final class ResilientCalls {
  private static final Logger log = LoggerFactory.getLogger(ResilientCalls.class);

  /** Waits between attempts; replaced in tests so they never really wait. */
  @FunctionalInterface
  public interface Sleeper {
    /** Sleeps on the calling thread. */
    Sleeper THREAD_SLEEP = wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos());

    /**
     * Waits.
     *
     * @param wait how long, positive
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    void sleep(Duration wait) throws InterruptedException;
  }

  // What the circuit breakers record instead of the failure itself, which Resilience4j would log
  // with its message and stack trace at DEBUG; the breaker needs to know only that it failed.
  private static final RuntimeException ATTEMPT_FAILED =
      new RuntimeException("attempt failed", null, false, false) {
        private static final long serialVersionUID = 1L;
      };

  /** Draws the jitter of the backoff: a uniform number in [0, 1). */
  public static final DoubleSupplier RANDOM = () -> ThreadLocalRandom.current().nextDouble();

  /**
   * What a successful call reports to its listeners and log line.
   *
   * @param requestId the provider's request id, or null
   * @param responseModel the model that answered, or null
   * @param usage the tokens the call used
   */
  public record CallSuccess(
      @Nullable String requestId, @Nullable String responseModel, TokenUsage usage) {}

  private final String providerId;
  private final ResilienceOptions options;
  private final List<CallListener> listeners;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final AtomicLong callIds = new AtomicLong();
  private final Map<Operation, CircuitBreaker> breakers = new EnumMap<>(Operation.class);
  private final Bulkhead bulkhead;
  // The concrete type, for its look at the wait without booking a permit (acquireRatePermit).
  private final @Nullable AtomicRateLimiter rateLimiter;
  // A waiter for a bulkhead place sleeps on this monitor; a release wakes one.
  private final Object placeFreed = new Object();
  private final AtomicInteger waitingForPlace = new AtomicInteger();

  /**
   * Creates the machinery of one connector.
   *
   * @param providerId the connector's provider
   * @param options the options
   * @param listeners told about every call, in order
   * @param sleeper waits between attempts and for the rate limiter
   * @param random draws the jitter
   */
  public ResilientCalls(
      String providerId,
      ResilienceOptions options,
      List<CallListener> listeners,
      Sleeper sleeper,
      DoubleSupplier random) {
    this.providerId = Objects.requireNonNull(providerId, "providerId");
    this.options = Objects.requireNonNull(options, "options");
    this.listeners = List.copyOf(listeners);
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
    if (options.circuitBreakerEnabled()) {
      CircuitBreakerConfig config =
          CircuitBreakerConfig.custom()
              .failureRateThreshold(options.failureRateThreshold())
              .slidingWindow(
                  options.slidingWindowSize(),
                  options.minimumNumberOfCalls(),
                  CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .waitDurationInOpenState(options.circuitOpenDuration())
              .permittedNumberOfCallsInHalfOpenState(options.permittedCallsInHalfOpenState())
              .writableStackTraceEnabled(false)
              .build();
      for (Operation operation : Operation.values()) {
        breakers.put(operation, CircuitBreaker.of(providerId + "-" + operation, config));
      }
    }
    // No wait inside Resilience4j: its wait is fixed per bulkhead, ours is bounded by each call's
    // deadline too (acquirePlace).
    this.bulkhead =
        Bulkhead.of(
            providerId,
            BulkheadConfig.custom()
                .maxConcurrentCalls(options.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
    this.rateLimiter =
        options.requestsPerMinute() == 0
            ? null
            : new AtomicRateLimiter(
                providerId,
                RateLimiterConfig.custom()
                    .limitForPeriod(options.requestsPerMinute())
                    .limitRefreshPeriod(Duration.ofMinutes(1))
                    .timeoutDuration(options.maxRateLimiterWait())
                    .writableStackTraceEnabled(false)
                    .build());
  }

  /**
   * Makes one plain call: retried, guarded and observed. Every operation that returns its whole
   * answer at once goes through here.
   *
   * @param <T> the answer's type
   * @param operation the kind of call
   * @param model the model the request names
   * @param timeout the request's own timeout across every attempt, or null for the connector's
   * @param maxRetries the request's own number of retries, or null for the connector's
   * @param attempt one attempt of the remote call, bounded by the deadline it is given; throws a
   *     {@link ConnectorException} when it fails
   * @param success what the answer tells the listeners
   * @return the answer of the first successful attempt
   * @throws ConnectorException the last attempt's failure, earlier ones suppressed in it
   */
  public <T> T call(
      Operation operation,
      String model,
      @Nullable Duration timeout,
      @Nullable Integer maxRetries,
      Function<Deadline, T> attempt,
      Function<? super T, CallSuccess> success) {
    CallTrace trace = start(operation, model);
    T answer;
    try {
      answer = retrying(trace, timeout, maxRetries, attempt, false);
    } catch (RuntimeException e) {
      trace.failed(e);
      throw e;
    }
    trace.succeeded(success.apply(answer));
    return answer;
  }

  /**
   * Opens a stream: retried and guarded only until {@code open} returns; the stream then keeps its
   * bulkhead place until its source is closed, and reports its end through the returned trace.
   *
   * @param model the model the request names
   * @param timeout the request's own timeout until the response starts, or null for the
   *     connector's
   * @param maxRetries the request's own number of retries, or null for the connector's
   * @param open one attempt to open the stream; never returns null
   * @return the open stream and its trace, which the caller must end
   */
  public OpenedStream openStream(
      String model,
      @Nullable Duration timeout,
      @Nullable Integer maxRetries,
      Function<Deadline, ChatEventSource> open) {
    CallTrace trace = start(Operation.CHAT_STREAM, model);
    try {
      return new OpenedStream(retrying(trace, timeout, maxRetries, open, true), trace);
    } catch (RuntimeException e) {
      trace.failed(e);
      throw e;
    }
  }

  /**
   * A stream that opened, and the call it belongs to.
   *
   * @param source the stream's source; closing it frees its bulkhead place
   * @param trace the call, to be told how the stream ended
   */
  public record OpenedStream(ChatEventSource source, CallTrace trace) {}

  private CallTrace start(Operation operation, String model) {
    CallTrace trace = new CallTrace(callIds.incrementAndGet(), operation, model);
    trace.notify(CallListener::onStart, trace.event(null, null, TokenUsage.ZERO, null, null));
    return trace;
  }

  // The retry loop. Holding the place means the answer (a stream's source) keeps it until closed.
  private <T> T retrying(
      CallTrace trace,
      @Nullable Duration timeout,
      @Nullable Integer maxRetries,
      Function<Deadline, T> attempt,
      boolean holdPlace) {
    Deadline callDeadline = Deadline.after(timeout != null ? timeout : options.callTimeout());
    int retries = maxRetries != null ? maxRetries : options.maxRetries();
    List<ConnectorException> earlier = null;
    while (true) {
      trace.attempts++;
      try {
        return attemptOnce(trace.operation, callDeadline, attempt, holdPlace);
      } catch (ConnectorException failure) {
        // Before anything else: an interrupted thread is never retried, and its caller learns of
        // the interrupt whatever the attempt failed with (a port may report it as a lost
        // connection).
        if (!(failure instanceof CallInterruptedException)
            && Thread.currentThread().isInterrupted()) {
          throw interrupted(trace.operation, withEarlier(failure, earlier), null);
        }
        if (!isRetried(failure) || trace.attempts > retries) {
          throw withEarlier(failure, earlier);
        }
        Duration wait = waitBefore(trace.attempts, failure);
        // Waiting only to fail on the deadline would hide the real failure behind a timeout.
        if (wait.toNanos() >= callDeadline.remainingNanos()) {
          throw withEarlier(failure, earlier);
        }
        trace.retrying(failure, wait);
        if (earlier == null) {
          earlier = new ArrayList<>(retries);
        }
        earlier.add(failure);
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted(trace.operation, withEarlier(failure, earlier), e);
        }
      }
    }
  }

  // One attempt: circuit breaker, rate limiter, bulkhead, then the provider's call.
  private <T> T attemptOnce(
      Operation operation, Deadline callDeadline, Function<Deadline, T> attempt, boolean holdPlace) {
    CircuitBreaker breaker = breakers.get(operation);
    if (breaker != null && !breaker.tryAcquirePermission()) {
      throw circuitOpen(operation);
    }
    boolean judged = false;
    long started = System.nanoTime();
    try {
      acquireRatePermit(operation, callDeadline);
      acquirePlace(operation, callDeadline);
      T answer;
      boolean placeHeld = false;
      try {
        Deadline deadline =
            options.attemptTimeout().map(callDeadline::atMost).orElse(callDeadline);
        answer = attempt.apply(deadline);
        if (holdPlace) {
          answer = holdingPlace(answer);
          placeHeld = true;
        }
      } finally {
        if (!placeHeld) {
          releasePlace();
        }
      }
      if (breaker != null) {
        breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        judged = true;
      }
      return answer;
    } catch (ServerException | ConnectionException | RequestTimeoutException e) {
      if (breaker != null) {
        breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ATTEMPT_FAILED);
        judged = true;
      }
      throw e;
    } finally {
      // Any other failure says nothing about the provider's health: it counts neither way.
      if (breaker != null && !judged) {
        breaker.releasePermission();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T holdingPlace(T answer) {
    return (T) new PlaceHoldingSource((ChatEventSource) answer, this::releasePlace);
  }

  private void acquireRatePermit(Operation operation, Deadline callDeadline) {
    AtomicRateLimiter limiter = rateLimiter;
    if (limiter == null) {
      return;
    }
    // Look before booking: a reservation is a permit spent even if the call is then refused, and
    // would push every later call a slot further out.
    if (!fits(limiter.getDetailedMetrics().getNanosToWait(), callDeadline)) {
      throw rateLimited(operation);
    }
    // The limiter's own timeout is maxRateLimiterWait, so it books nothing beyond that wait (-1).
    // A call that took the permit since the look makes this wait longer; past the deadline that
    // permit is lost, which is rare and errs towards fewer requests.
    long waitNanos = limiter.reservePermission();
    if (waitNanos < 0 || !fits(waitNanos, callDeadline)) {
      throw rateLimited(operation);
    }
    if (waitNanos > 0) {
      try {
        sleeper.sleep(Duration.ofNanos(waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(operation, null, e);
      }
    }
  }

  // A wait is allowed up to maxRateLimiterWait and ending before the call's deadline.
  private boolean fits(long waitNanos, Deadline callDeadline) {
    return waitNanos == 0
        || (waitNanos > 0
            && waitNanos <= options.maxRateLimiterWait().toNanos()
            && waitNanos < callDeadline.remainingNanos());
  }

  private ClientRateLimitException rateLimited(Operation operation) {
    return new ClientRateLimitException(
        "The connector's rate limit of "
            + options.requestsPerMinute()
            + " requests per minute gave "
            + operation
            + " call to provider '"
            + providerId
            + "' no permit within "
            + options.maxRateLimiterWait().toMillis()
            + " ms or the call's deadline, so it was not sent; slow down, or raise"
            + " ResilienceOptions.requestsPerMinute or maxRateLimiterWait",
        ErrorDetails.ofProvider(providerId),
        null);
  }

  private void acquirePlace(Operation operation, Deadline callDeadline) {
    if (bulkhead.tryAcquirePermission()) {
      return;
    }
    long waitNanos = Math.min(options.maxBulkheadWait().toNanos(), callDeadline.remainingNanos());
    long until = System.nanoTime() + waitNanos;
    waitingForPlace.incrementAndGet();
    try {
      synchronized (placeFreed) {
        while (!bulkhead.tryAcquirePermission()) {
          // Resilience4j refuses an interrupted thread rather than telling it.
          if (Thread.currentThread().isInterrupted()) {
            throw interrupted(operation, null, null);
          }
          long left = until - System.nanoTime();
          if (left <= 0) {
            throw bulkheadFull(operation);
          }
          TimeUnit.NANOSECONDS.timedWait(placeFreed, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(operation, null, e);
    } finally {
      waitingForPlace.decrementAndGet();
    }
  }

  /**
   * Returns the bulkhead's free places, for tests that check no place leaks or is freed twice.
   *
   * @return the free places; {@link ResilienceOptions#maxConcurrentCalls()} when nothing runs
   */
  int freePlaces() {
    return bulkhead.getMetrics().getAvailableConcurrentCalls();
  }

  private void releasePlace() {
    bulkhead.onComplete();
    // A waiter counts itself before it tries, so one that missed this place is awake or woken.
    if (waitingForPlace.get() > 0) {
      synchronized (placeFreed) {
        placeFreed.notify();
      }
    }
  }

  private static boolean isRetried(ConnectorException failure) {
    // The connector's own refusals would only get worse if the call pressed on.
    return failure instanceof RetriableException
        && !(failure instanceof CircuitOpenException)
        && !(failure instanceof BulkheadFullException)
        && !(failure instanceof ClientRateLimitException);
  }

  /**
   * Returns the wait before the next attempt: the server's, capped, else the exponential backoff
   * with equal jitter.
   *
   * @param failedAttempts the attempts made so far, from 1
   * @param failure the last attempt's failure
   * @return the wait
   */
  Duration waitBefore(int failedAttempts, ConnectorException failure) {
    Duration asked = failure.retryAfter().orElse(null);
    if (asked != null) {
      if (asked.isNegative()) {
        return Duration.ZERO;
      }
      return asked.compareTo(options.maxRetryAfter()) > 0 ? options.maxRetryAfter() : asked;
    }
    double backoff =
        options.initialBackoff().toNanos()
            * Math.pow(options.backoffMultiplier(), failedAttempts - 1.0);
    double capped = Math.min(backoff, options.maxBackoff().toNanos());
    // Equal jitter: half is certain, so retries never bunch at zero; half is spread.
    return Duration.ofNanos((long) (capped / 2 + random.getAsDouble() * capped / 2));
  }

  private static ConnectorException withEarlier(
      ConnectorException last, @Nullable List<ConnectorException> earlier) {
    if (earlier != null) {
      for (ConnectorException failure : earlier) {
        // A fake (or a caching provider) may throw one instance twice.
        if (failure != last) {
          last.addSuppressed(failure);
        }
      }
    }
    return last;
  }

  private CallInterruptedException interrupted(
      Operation operation, @Nullable ConnectorException last, @Nullable InterruptedException e) {
    CallInterruptedException interrupted =
        new CallInterruptedException(
            "The thread making a "
                + operation
                + " call to provider '"
                + providerId
                + "' was interrupted, so the call was abandoned",
            ErrorDetails.ofProvider(providerId),
            last);
    if (e != null) {
      interrupted.addSuppressed(e);
    }
    return interrupted;
  }

  private CircuitOpenException circuitOpen(Operation operation) {
    return new CircuitOpenException(
        "The circuit breaker for "
            + operation
            + " calls to provider '"
            + providerId
            + "' is open after repeated server errors, timeouts or connection failures, so the"
            + " call was not sent; it lets trial calls through again after "
            + options.circuitOpenDuration().toMillis()
            + " ms. Check the provider's status and the network, or tune"
            + " ResilienceOptions (circuitOpenDuration, failureRateThreshold,"
            + " circuitBreakerEnabled)",
        ErrorDetails.ofProvider(providerId),
        null);
  }

  private BulkheadFullException bulkheadFull(Operation operation) {
    return new BulkheadFullException(
        "The connector already runs its maximum of "
            + options.maxConcurrentCalls()
            + " concurrent calls and streams, and no place came free for a "
            + operation
            + " call to provider '"
            + providerId
            + "' within the bulkhead's wait or the call's deadline, so it was not sent; close"
            + " streams you no longer read, slow down, or raise"
            + " ResilienceOptions.maxConcurrentCalls or maxBulkheadWait",
        ErrorDetails.ofProvider(providerId),
        null);
  }

  /**
   * One call in flight: its attempts, and the listener events and log line it produces. Ended
   * once, by {@link #succeeded} or {@link #failed}; later ends are ignored, since a stream may be
   * closed while it fails. The attempt count is written by the calling thread only.
   */
  public final class CallTrace {
    private final long callId;
    private final Operation operation;
    private final String model;
    private final long started = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile int attempts;
    private volatile long firstDeltaAt;

    private CallTrace(long callId, Operation operation, String model) {
      this.callId = callId;
      this.operation = operation;
      this.model = model;
    }

    /** Notes that a stream's first delta arrived, for the log line. */
    public void firstDelta() {
      if (firstDeltaAt == 0) {
        firstDeltaAt = System.nanoTime();
      }
    }

    /**
     * Ends the call as a success.
     *
     * @param success what the answer tells
     */
    public void succeeded(CallSuccess success) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      log("ok", success.requestId());
      notify(
          CallListener::onSuccess,
          listeners.isEmpty()
              ? null
              : event(
                  success.requestId(), success.responseModel(), success.usage(), null, null));
    }

    /**
     * Ends the call as a failure.
     *
     * @param failure the last failure; a failure outside the api's exceptions is reported with no
     *     failure in the event
     */
    public void failed(RuntimeException failure) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      ConnectorException known =
          failure instanceof ConnectorException ? (ConnectorException) failure : null;
      String requestId = known == null ? null : known.requestId().orElse(null);
      log(describe(failure), requestId);
      notify(
          CallListener::onFailure,
          listeners.isEmpty() ? null : event(requestId, null, TokenUsage.ZERO, known, null));
    }

    private void retrying(ConnectorException failure, Duration wait) {
      if (log.isDebugEnabled()) {
        log.debug(
            "{} retry: model={} provider={} attempt={} failure={} wait={} ms",
            operation,
            model,
            providerId,
            attempts,
            describe(failure),
            wait.toMillis());
      }
      notify(
          CallListener::onRetry,
          listeners.isEmpty()
              ? null
              : event(
                  failure.requestId().orElse(null), null, TokenUsage.ZERO, failure, wait));
    }

    private void log(String outcome, @Nullable String requestId) {
      if (!log.isDebugEnabled()) {
        return;
      }
      long firstDelta = firstDeltaAt;
      log.debug(
          "{} model={} provider={} outcome={} latency={} ms{} requestId={} retries={}",
          operation,
          model,
          providerId,
          outcome,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          firstDelta == 0
              ? ""
              : " firstDelta=" + TimeUnit.NANOSECONDS.toMillis(firstDelta - started) + " ms",
          requestId,
          Math.max(0, attempts - 1));
    }

    private @Nullable CallEvent event(
        @Nullable String requestId,
        @Nullable String responseModel,
        TokenUsage usage,
        @Nullable ConnectorException failure,
        @Nullable Duration retryDelay) {
      if (listeners.isEmpty()) {
        return null;
      }
      return new CallEvent(
          callId,
          providerId,
          operation,
          model,
          Math.max(1, attempts),
          Duration.ofNanos(System.nanoTime() - started),
          requestId,
          responseModel,
          usage,
          failure,
          retryDelay);
    }

    private void notify(
        BiConsumer<CallListener, CallEvent> method, @Nullable CallEvent event) {
      if (event == null) {
        return;
      }
      for (CallListener listener : listeners) {
        try {
          method.accept(listener, event);
        } catch (RuntimeException e) {
          // The message is left out: a listener may have put anything in it.
          log.warn(
              "Call listener {} failed with {}; the {} call it observed goes on",
              listener.getClass().getName(),
              e.getClass().getName(),
              operation);
        }
      }
    }
  }

  private static String describe(RuntimeException failure) {
    String name = failure.getClass().getSimpleName();
    if (failure instanceof ConnectorException) {
      OptionalInt status = ((ConnectorException) failure).status();
      if (status.isPresent()) {
        return name + "(" + status.getAsInt() + ")";
      }
    }
    return name;
  }
}
