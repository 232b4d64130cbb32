package dev.openaiconnector.core;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.CircuitOpenException;
import dev.openaiconnector.api.ClientRateLimitException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a connector keeps working when the provider is rate-limited, slow or failing: retries,
 * deadlines, a circuit breaker, a bulkhead and an optional client-side rate limiter. Set once per
 * connector with {@link Connectors.Builder#resilience(ResilienceOptions)}. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Connector ai = Connectors.builder()
 *     .resilience(ResilienceOptions.builder()
 *         .maxRetries(4)
 *         .callTimeout(Duration.ofSeconds(90))
 *         .requestsPerMinute(500)
 *         .build())
 *     .build();
 * }</pre>
 *
 * <h2>Order</h2>
 *
 * <p>Each call runs, from the outside in, as Resilience4j documents: the retry loop, then for
 * each attempt the circuit breaker, the rate limiter, the bulkhead and the provider's call. A
 * plain call (each round of a tool loop is one) is one call; a stream is retried only while it
 * opens, never once its response has started.
 *
 * <h2>Retries</h2>
 *
 * <p>A {@link dev.openaiconnector.api.RetriableException} is retried up to {@link #maxRetries()}
 * times; a {@link dev.openaiconnector.api.NonRetriableException} never is, and neither are {@link
 * CircuitOpenException}, {@link BulkheadFullException} and {@link ClientRateLimitException}, which
 * this connector raises itself and which a retry within the call would only make worse. The wait
 * before retry {@code n} (from 1) is {@code initialBackoff * backoffMultiplier^(n-1)}, at most
 * {@link #maxBackoff()}, with equal jitter: a uniform draw between half that and all of it. When
 * the server said how long to wait ({@code retry-after-ms}, {@code x-ms-retry-after-ms} or {@code
 * Retry-After}), that wait is used instead, at most {@link #maxRetryAfter()}. When retries end,
 * the last failure is thrown, the earlier attempts' failures {@linkplain
 * Throwable#getSuppressed() suppressed} in it. An interrupted thread is never retried: when an
 * attempt fails, or a wait is interrupted, with the thread's interrupt flag set, the call ends with
 * a {@link dev.openaiconnector.api.CallInterruptedException} (the attempt's failure as its cause),
 * the flag kept, whatever the attempt failed with and however many retries were left.
 *
 * <h2>Deadlines</h2>
 *
 * <p>{@link #callTimeout()} bounds the whole call, every attempt and wait included (a request's
 * own {@link dev.openaiconnector.api.ChatRequest#timeout()} replaces it); {@link
 * #attemptTimeout()}, when set, bounds each attempt within it. When the next wait would end past
 * the call's deadline, the call fails at once with the last failure instead of waiting. For a
 * stream the deadline bounds the time until its response starts; its idle timeout applies after.
 *
 * <h2>Circuit breaker</h2>
 *
 * <p>One breaker per operation (chat, streams, embeddings, images) of the connector's provider,
 * counting attempts in a sliding window of the last {@link #slidingWindowSize()} attempts. Only
 * {@link ServerException}, {@link ConnectionException} and {@link RequestTimeoutException} count
 * as failures; other failures count neither way. Once at least {@link #minimumNumberOfCalls()}
 * attempts were counted and at least {@link #failureRateThreshold()} percent of them failed, the
 * breaker opens: calls fail at once with a {@link CircuitOpenException} for {@link
 * #circuitOpenDuration()}, then {@link #permittedCallsInHalfOpenState()} trial calls decide
 * whether it closes again.
 *
 * <h2>Bulkhead and rate limiter</h2>
 *
 * <p>At most {@link #maxConcurrentCalls()} attempts run at once across the connector; a call waits
 * up to {@link #maxBulkheadWait()} (never past its deadline) for a free place, else fails with a
 * {@link BulkheadFullException}. A stream keeps its place until it is closed. When {@link
 * #requestsPerMinute()} is set, attempts beyond it wait up to {@link #maxRateLimiterWait()} (never
 * past the deadline) for the next minute's permits, else fail with a {@link
 * ClientRateLimitException}.
 *
 * <h2>Long durations</h2>
 *
 * <p>A duration longer than {@link #LONGEST_DURATION} (about 73 years), such as {@code
 * ChronoUnit.FOREVER.getDuration()}, is taken as that: it sets no practical limit, and every
 * computation on it stays within a {@code long} of nanoseconds.
 */
public final class ResilienceOptions {
  /** The default number of retries after the first attempt. */
  public static final int DEFAULT_MAX_RETRIES = 2;

  /** The default bound on concurrent calls per connector. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 100;

  /**
   * The longest duration an option keeps; a longer one is cut to it where it is set. The same
   * bound as {@link dev.openaiconnector.spi.Deadline}'s, so that adding it to the monotonic clock
   * cannot overflow.
   */
  public static final Duration LONGEST_DURATION = Deadline.LONGEST_TIMEOUT;

  private static final ResilienceOptions DEFAULTS = builder().build();

  private final int maxRetries;
  private final Duration initialBackoff;
  private final double backoffMultiplier;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final Duration callTimeout;
  private final @Nullable Duration attemptTimeout;
  private final boolean circuitBreakerEnabled;
  private final float failureRateThreshold;
  private final int slidingWindowSize;
  private final int minimumNumberOfCalls;
  private final Duration circuitOpenDuration;
  private final int permittedCallsInHalfOpenState;
  private final int maxConcurrentCalls;
  private final Duration maxBulkheadWait;
  private final int requestsPerMinute;
  private final Duration maxRateLimiterWait;

  private ResilienceOptions(Builder builder) {
    this.maxRetries = builder.maxRetries;
    this.initialBackoff = builder.initialBackoff;
    this.backoffMultiplier = builder.backoffMultiplier;
    this.maxBackoff = builder.maxBackoff;
    this.maxRetryAfter = builder.maxRetryAfter;
    this.callTimeout = builder.callTimeout;
    this.attemptTimeout = builder.attemptTimeout;
    this.circuitBreakerEnabled = builder.circuitBreakerEnabled;
    this.failureRateThreshold = builder.failureRateThreshold;
    this.slidingWindowSize = builder.slidingWindowSize;
    this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
    this.circuitOpenDuration = builder.circuitOpenDuration;
    this.permittedCallsInHalfOpenState = builder.permittedCallsInHalfOpenState;
    this.maxConcurrentCalls = builder.maxConcurrentCalls;
    this.maxBulkheadWait = builder.maxBulkheadWait;
    this.requestsPerMinute = builder.requestsPerMinute;
    this.maxRateLimiterWait = builder.maxRateLimiterWait;
  }

  /**
   * Returns the options every connector uses unless told otherwise: 2 retries with backoff from
   * 500 ms doubling up to 8 s, server waits honoured up to 60 s, a 10 minute call timeout and no
   * attempt timeout; a circuit breaker per operation (50 % of the last 20 attempts, at least 10,
   * open for 30 s, 3 trial calls); a bulkhead of 100 concurrent calls waiting up to 10 s; no
   * client-side rate limit.
   *
   * @return the default options
   */
  public static ResilienceOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts options from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options, to derive changed ones.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxRetries = maxRetries;
    builder.initialBackoff = initialBackoff;
    builder.backoffMultiplier = backoffMultiplier;
    builder.maxBackoff = maxBackoff;
    builder.maxRetryAfter = maxRetryAfter;
    builder.callTimeout = callTimeout;
    builder.attemptTimeout = attemptTimeout;
    builder.circuitBreakerEnabled = circuitBreakerEnabled;
    builder.failureRateThreshold = failureRateThreshold;
    builder.slidingWindowSize = slidingWindowSize;
    builder.minimumNumberOfCalls = minimumNumberOfCalls;
    builder.circuitOpenDuration = circuitOpenDuration;
    builder.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
    builder.maxConcurrentCalls = maxConcurrentCalls;
    builder.maxBulkheadWait = maxBulkheadWait;
    builder.requestsPerMinute = requestsPerMinute;
    builder.maxRateLimiterWait = maxRateLimiterWait;
    return builder;
  }

  /**
   * Returns how many times a call is retried after a retriable failure.
   *
   * @return zero or more
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Returns the backoff before the first retry, before jitter.
   *
   * @return the backoff
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * Returns the factor by which the backoff grows from one retry to the next.
   *
   * @return 1 or more
   */
  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /**
   * Returns the bound on the backoff, before jitter.
   *
   * @return the bound
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Returns the bound on a wait the server asks for.
   *
   * @return the bound
   */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * Returns the time a call may take across every attempt and wait.
   *
   * @return the timeout
   */
  public Duration callTimeout() {
    return callTimeout;
  }

  /**
   * Returns the time one attempt may take, within the call's deadline.
   *
   * @return the timeout, or empty to let each attempt use what is left of the call's
   */
  public Optional<Duration> attemptTimeout() {
    return Optional.ofNullable(attemptTimeout);
  }

  /**
   * Tells whether the circuit breakers are on.
   *
   * @return true unless turned off
   */
  public boolean circuitBreakerEnabled() {
    return circuitBreakerEnabled;
  }

  /**
   * Returns the percentage of failed attempts at which a circuit breaker opens.
   *
   * @return a percentage above 0, at most 100
   */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * Returns the number of most recent attempts a circuit breaker judges by.
   *
   * @return 1 or more
   */
  public int slidingWindowSize() {
    return slidingWindowSize;
  }

  /**
   * Returns the number of attempts a circuit breaker needs before it may open.
   *
   * @return 1 or more
   */
  public int minimumNumberOfCalls() {
    return minimumNumberOfCalls;
  }

  /**
   * Returns how long an open circuit breaker refuses calls before it lets trial calls through.
   *
   * @return the duration
   */
  public Duration circuitOpenDuration() {
    return circuitOpenDuration;
  }

  /**
   * Returns the number of trial calls a half-open circuit breaker lets through.
   *
   * @return 1 or more
   */
  public int permittedCallsInHalfOpenState() {
    return permittedCallsInHalfOpenState;
  }

  /**
   * Returns the bound on attempts (and open streams) running at once in the connector.
   *
   * @return 1 or more
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /**
   * Returns how long a call waits for a place in the bulkhead.
   *
   * @return the wait, never longer than the call's deadline in effect
   */
  public Duration maxBulkheadWait() {
    return maxBulkheadWait;
  }

  /**
   * Returns the client-side bound on attempts per minute.
   *
   * @return the bound, or 0 when there is none
   */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }

  /**
   * Returns how long a call waits for a permit of the client-side rate limiter.
   *
   * @return the wait, never longer than the call's deadline in effect
   */
  public Duration maxRateLimiterWait() {
    return maxRateLimiterWait;
  }

  @Override
  public String toString() {
    return "ResilienceOptions[maxRetries="
        + maxRetries
        + ", initialBackoff="
        + initialBackoff
        + ", backoffMultiplier="
        + backoffMultiplier
        + ", maxBackoff="
        + maxBackoff
        + ", maxRetryAfter="
        + maxRetryAfter
        + ", callTimeout="
        + callTimeout
        + ", attemptTimeout="
        + attemptTimeout
        + ", circuitBreakerEnabled="
        + circuitBreakerEnabled
        + ", failureRateThreshold="
        + failureRateThreshold
        + ", slidingWindowSize="
        + slidingWindowSize
        + ", minimumNumberOfCalls="
        + minimumNumberOfCalls
        + ", circuitOpenDuration="
        + circuitOpenDuration
        + ", permittedCallsInHalfOpenState="
        + permittedCallsInHalfOpenState
        + ", maxConcurrentCalls="
        + maxConcurrentCalls
        + ", maxBulkheadWait="
        + maxBulkheadWait
        + ", requestsPerMinute="
        + requestsPerMinute
        + ", maxRateLimiterWait="
        + maxRateLimiterWait
        + "]";
  }

  /**
   * Builds {@link ResilienceOptions}; each setter rejects a bad value at once, naming the option,
   * and cuts a duration longer than {@link ResilienceOptions#LONGEST_DURATION} to it. Not
   * thread-safe.
   */
  public static final class Builder {
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = Duration.ofMillis(500);
    private double backoffMultiplier = 2.0;
    private Duration maxBackoff = Duration.ofSeconds(8);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private Duration callTimeout = Duration.ofMinutes(10);
    private @Nullable Duration attemptTimeout;
    private boolean circuitBreakerEnabled = true;
    private float failureRateThreshold = 50;
    private int slidingWindowSize = 20;
    private int minimumNumberOfCalls = 10;
    private Duration circuitOpenDuration = Duration.ofSeconds(30);
    private int permittedCallsInHalfOpenState = 3;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private Duration maxBulkheadWait = Duration.ofSeconds(10);
    private int requestsPerMinute;
    private Duration maxRateLimiterWait = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Sets how many times a call is retried after a retriable failure; a request's own {@link
     * dev.openaiconnector.api.ChatRequest#maxRetries()} replaces it.
     *
     * @param maxRetries zero (no retries) or more; {@value ResilienceOptions#DEFAULT_MAX_RETRIES}
     *     unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = atLeast("maxRetries", maxRetries, 0);
      return this;
    }

    /**
     * Sets the backoff before the first retry, before jitter.
     *
     * @param initialBackoff zero or more; 500 ms unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = notNegative("initialBackoff", initialBackoff);
      return this;
    }

    /**
     * Sets the factor by which the backoff grows from one retry to the next.
     *
     * @param backoffMultiplier 1 (a constant backoff) or more; 2.0 unless set
     * @return this builder
     * @throws IllegalArgumentException if below 1 or not finite
     */
    public Builder backoffMultiplier(double backoffMultiplier) {
      if (!(backoffMultiplier >= 1) || Double.isInfinite(backoffMultiplier)) {
        throw new IllegalArgumentException(
            "backoffMultiplier must be a finite number of 1 or more, was " + backoffMultiplier);
      }
      this.backoffMultiplier = backoffMultiplier;
      return this;
    }

    /**
     * Sets the bound on the backoff, before jitter; it wins over {@link #initialBackoff}.
     *
     * @param maxBackoff zero or more; 8 s unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = notNegative("maxBackoff", maxBackoff);
      return this;
    }

    /**
     * Sets the bound on a wait the server asks for in {@code retry-after-ms}, {@code
     * x-ms-retry-after-ms} or {@code Retry-After}.
     *
     * @param maxRetryAfter zero or more; 60 s unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = notNegative("maxRetryAfter", maxRetryAfter);
      return this;
    }

    /**
     * Sets the time a call may take across every attempt and wait; a request's own {@link
     * dev.openaiconnector.api.ChatRequest#timeout()} replaces it.
     *
     * @param callTimeout positive; 10 minutes unless set
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = positive("callTimeout", callTimeout);
      return this;
    }

    /**
     * Sets the time one attempt may take, within the call's deadline.
     *
     * @param attemptTimeout positive; unset by default, so each attempt may use what is left of
     *     the call's deadline
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = positive("attemptTimeout", attemptTimeout);
      return this;
    }

    /**
     * Turns the circuit breakers on or off.
     *
     * @param enabled false to turn them off; true unless set
     * @return this builder
     */
    public Builder circuitBreakerEnabled(boolean enabled) {
      this.circuitBreakerEnabled = enabled;
      return this;
    }

    /**
     * Sets the percentage of failed attempts at which a circuit breaker opens.
     *
     * @param percent above 0, at most 100; 50 unless set
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder failureRateThreshold(float percent) {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException(
            "failureRateThreshold must be above 0 and at most 100, was " + percent);
      }
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets the number of most recent attempts a circuit breaker judges by.
     *
     * @param attempts 1 or more; 20 unless set
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder slidingWindowSize(int attempts) {
      this.slidingWindowSize = atLeast("slidingWindowSize", attempts, 1);
      return this;
    }

    /**
     * Sets the number of attempts a circuit breaker needs before it may open; a number above the
     * {@link #slidingWindowSize(int)} counts as the window's size.
     *
     * @param attempts 1 or more; 10 unless set
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder minimumNumberOfCalls(int attempts) {
      this.minimumNumberOfCalls = atLeast("minimumNumberOfCalls", attempts, 1);
      return this;
    }

    /**
     * Sets how long an open circuit breaker refuses calls before it lets trial calls through.
     *
     * @param duration positive; 30 s unless set
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder circuitOpenDuration(Duration duration) {
      this.circuitOpenDuration = positive("circuitOpenDuration", duration);
      return this;
    }

    /**
     * Sets the number of trial calls a half-open circuit breaker lets through.
     *
     * @param calls 1 or more; 3 unless set
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder permittedCallsInHalfOpenState(int calls) {
      this.permittedCallsInHalfOpenState = atLeast("permittedCallsInHalfOpenState", calls, 1);
      return this;
    }

    /**
     * Sets the bound on attempts (and open streams) running at once in the connector.
     *
     * @param calls 1 or more; {@value ResilienceOptions#DEFAULT_MAX_CONCURRENT_CALLS} unless set
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxConcurrentCalls(int calls) {
      this.maxConcurrentCalls = atLeast("maxConcurrentCalls", calls, 1);
      return this;
    }

    /**
     * Sets how long a call waits for a place in the bulkhead, never past its deadline.
     *
     * @param wait zero (fail at once) or more; 10 s unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxBulkheadWait(Duration wait) {
      this.maxBulkheadWait = notNegative("maxBulkheadWait", wait);
      return this;
    }

    /**
     * Sets a client-side bound on attempts per minute, to stay under the provider's limits
     * instead of meeting them.
     *
     * @param requestsPerMinute 1 or more, or 0 for no bound; 0 unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder requestsPerMinute(int requestsPerMinute) {
      this.requestsPerMinute = atLeast("requestsPerMinute", requestsPerMinute, 0);
      return this;
    }

    /**
     * Sets how long a call waits for a permit of the client-side rate limiter, never past its
     * deadline.
     *
     * @param wait zero (fail at once) or more; 30 s unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRateLimiterWait(Duration wait) {
      this.maxRateLimiterWait = notNegative("maxRateLimiterWait", wait);
      return this;
    }

    /**
     * Builds the options; every value was checked when it was set.
     *
     * @return the options
     */
    public ResilienceOptions build() {
      return new ResilienceOptions(this);
    }

    private static int atLeast(String name, int value, int minimum) {
      if (value < minimum) {
        throw new IllegalArgumentException(
            name + " must be at least " + minimum + ", was " + value);
      }
      return value;
    }

    private static Duration notNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + value);
      }
      return saturated(value);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return saturated(value);
    }

    // Cut here, once, so that the calls never meet a toNanos() that overflows.
    private static Duration saturated(Duration value) {
      return value.compareTo(LONGEST_DURATION) > 0 ? LONGEST_DURATION : value;
    }
  }
}
