package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.azure.AccessToken;
import dev.openaiconnector.spi.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches an access token and refreshes it before it expires, one fetch at a time (single flight):
 * when a refresh is due, one caller starts a fetch and waits for it while the others keep using
 * the token that is still valid, or wait for the fetch when none is. A failed refresh keeps a
 * token that is still valid and tries again a little later. Thread-safe.
 *
 * <p>The fetch runs on a daemon thread of the cache's own, named {@value #FETCH_THREAD_NAME}, and
 * every caller, the one that started it included, waits for it no longer than its call's {@link
 * Deadline} and {@code maxWait}. A caller that gives up leaves the fetch running, so that one
 * call's short deadline never fails the calls that wait for the same token or come after it.
 */
public final class TokenCache {
  private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

  /** The default margin: refresh this long before the token expires. */
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMinutes(5);

  // A token this close to its expiry could expire on the way to the server: not used any more.
  static final Duration EXPIRY_SKEW = Duration.ofSeconds(30);
  // After a failed refresh, the still-valid token is used this long before the next attempt, so
  // that a token server outage does not turn every call into a token request.
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  /** The name of the thread that fetches tokens, for thread dumps. */
  public static final String FETCH_THREAD_NAME = "azure-token-fetch";

  // No deadline: a caller of the methods without one is bounded by maxWait alone. About 73 years,
  // so the constant cannot run out.
  static final Deadline NO_DEADLINE = Deadline.after(Deadline.LONGEST_TIMEOUT);

  // How long the fetch thread outlives its last fetch. Tokens are fetched about once an hour, so
  // the thread is gone most of the time: the cache has no close hook to stop it (a credential may
  // be shared by several providers, and outlives them), and needs none.
  private static final long FETCH_THREAD_KEEP_ALIVE_SECONDS = 10;

  private final TokenSource source;
  private final Clock clock;
  private final Duration refreshMargin;
  private final Duration maxWait;
  private final long maxWaitNanos;
  // At most one thread, started by the first fetch and ended when idle. One per cache, so that a
  // token source that hangs holds up its own cache only (single flight holds that one anyway).
  private final ThreadPoolExecutor fetcher;

  private @Nullable Cached cached;
  private @Nullable CompletableFuture<Issued> inFlight;
  private long generations;
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * A token as handed out, with the generation that tells one fetched token from the next.
   *
   * @param token the token
   * @param generation increases with each fetched token
   * @param obtainedAt when the token was fetched, by the cache's clock
   */
  public record Issued(AccessToken token, long generation, Instant obtainedAt) {}

  private record Cached(Issued issued, Instant refreshAt) {
    Instant lastUseAt() {
      return issued.token().expiresAt().minus(EXPIRY_SKEW);
    }

    boolean isValidAt(Instant now) {
      return now.isBefore(lastUseAt());
    }
  }

  /**
   * Creates the cache.
   *
   * @param source fetches new tokens
   * @param clock tells when a token is due for refresh
   * @param refreshMargin refresh this long before expiry, unless the server advised otherwise
   * @param maxWait how long a caller waits for a fetch at most, even without a deadline; the
   *     fetch itself is bounded by the HTTP timeouts, this bounds a token supplier that hangs
   */
  public TokenCache(TokenSource source, Clock clock, Duration refreshMargin, Duration maxWait) {
    this.source = source;
    this.clock = clock;
    this.refreshMargin = refreshMargin;
    this.maxWait = maxWait;
    this.maxWaitNanos = saturatedNanos(maxWait);
    this.fetcher =
        new ThreadPoolExecutor(
            1,
            1,
            FETCH_THREAD_KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            // Unbounded, so a fetch is never refused: single flight keeps at most one running,
            // and the next may only be queued while the thread returns from the last.
            new LinkedBlockingQueue<>(),
            TokenCache::fetchThread);
    fetcher.allowCoreThreadTimeOut(true);
  }

  private static Thread fetchThread(Runnable task) {
    // Without the inheritable thread-locals of the caller that happened to start it: the thread
    // serves every later caller, and must not keep one request's context alive.
    Thread thread = new Thread(null, task, FETCH_THREAD_NAME, 0, false);
    thread.setDaemon(true);
    return thread;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return Math.max(0, duration.toNanos());
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  /**
   * Returns a valid token, fetching one if none is cached or the cached one is due for refresh;
   * waits for a fetch no longer than {@code maxWait}.
   *
   * @return the token
   * @throws ConnectorException when no valid token is cached and the fetch failed or did not end
   *     within {@code maxWait}
   */
  public AccessToken get() {
    return acquire().token();
  }

  /**
   * Returns a valid token with its generation; waits for a fetch no longer than {@code maxWait}.
   *
   * @return the token
   * @throws ConnectorException when no valid token is cached and the fetch failed or did not end
   *     within {@code maxWait}
   */
  public Issued acquire() {
    return acquire(NO_DEADLINE);
  }

  /**
   * Returns a valid token with its generation, waiting for a fetch no longer than the deadline
   * (nor {@code maxWait}). A caller that finds no fetch in flight starts one; when its wait ends
   * first, the fetch goes on for the other callers. A caller that starts the refresh of a token
   * still valid waits for it half its remaining time at most, then goes on with that token, so
   * that the request it serves keeps time to be sent. A deadline already passed starts no fetch.
   *
   * @param deadline the call's deadline
   * @return the token
   * @throws RequestTimeoutException when the deadline passes before a valid token is at hand
   * @throws CallInterruptedException when the thread is interrupted while it waits; the interrupt
   *     flag stays set
   * @throws ConnectorException when no valid token is cached and the fetch failed, or did not end
   *     within {@code maxWait}
   */
  public Issued acquire(Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    while (true) {
      CompletableFuture<Issued> flight;
      boolean started = false;
      boolean holdsValid;
      synchronized (this) {
        Instant now = clock.instant();
        Cached snapshot = cached;
        if (snapshot != null && now.isBefore(snapshot.refreshAt())) {
          return snapshot.issued();
        }
        boolean valid = snapshot != null && snapshot.isValidAt(now);
        if (inFlight == null) {
          if (deadline.isExpired()) {
            // No time to wait for a fetch, so none is started: a call past its deadline must not
            // cost a token request. A token that still works is still good for it.
            if (valid) {
              return snapshot.issued();
            }
            throw deadlinePassed("no token request was sent");
          }
          inFlight = new CompletableFuture<>();
          started = true;
        } else if (valid) {
          // Another caller is fetching; this one goes on with the token that still works.
          return snapshot.issued();
        }
        flight = inFlight;
        if (started) {
          startFetch(flight, snapshot);
        }
        holdsValid = valid;
      }
      Issued issued = await(flight, started, holdsValid, deadline);
      if (issued != null) {
        return issued;
      }
      // The fetch this caller waited for was interrupted, this caller was not; or the token it
      // held was dropped while it waited: it tries again.
    }
  }

  /**
   * Drops the token the server refused with {@code 401} and fetches a new one; waits for it no
   * longer than {@code maxWait}.
   *
   * @param rejected the generation of the refused token, or a negative number when not known
   * @return the new token
   * @throws ConnectorException when the fetch failed
   * @see #refreshAfterRejection(long, Deadline)
   */
  public Issued refreshAfterRejection(long rejected) {
    return refreshAfterRejection(rejected, NO_DEADLINE);
  }

  /**
   * Drops the token the server refused with {@code 401} and fetches a new one, waiting for it no
   * longer than the deadline. When several calls were refused the same token, the first drops it
   * and fetches; the others wait for that fetch or take its result. The refused token is dropped
   * even when the deadline has passed, so that the next call fetches anew.
   *
   * @param rejected the generation of the refused token, or a negative number when not known
   * @param deadline the call's deadline
   * @return the new token
   * @throws RequestTimeoutException when the deadline passes before the new token is at hand
   * @throws ConnectorException when the fetch failed
   */
  public Issued refreshAfterRejection(long rejected, Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    synchronized (this) {
      Cached current = cached;
      if (current != null && (rejected < 0 || current.issued().generation() == rejected)) {
        cached = null;
      }
    }
    return acquire(deadline);
  }

  // Called holding the lock, right after the flight was set up, so that no caller can find the
  // flight before its fetch is on its way.
  private void startFetch(CompletableFuture<Issued> flight, @Nullable Cached previous) {
    try {
      fetcher.execute(() -> fetch(flight, previous));
    } catch (Throwable e) {
      // No thread to fetch on (out of memory, say): the flight must not stay in flight forever.
      inFlight = null;
      flight.completeExceptionally(e);
    }
  }

  // Runs on the fetch thread; never throws, as nobody but the flight's waiters would see it.
  private void fetch(CompletableFuture<Issued> flight, @Nullable Cached previous) {
    Issued issued;
    try {
      AccessToken token = source.fetch();
      Instant obtained = clock.instant();
      Instant refreshAt = refreshAt(token, obtained);
      synchronized (this) {
        issued = new Issued(token, ++generations, obtained);
        cached = new Cached(issued, refreshAt);
        inFlight = null;
      }
    } catch (Throwable e) {
      // Whatever the source threw, even an Error, the fetch is over: a later caller fetches anew
      // instead of waiting for a flight that never lands.
      Instant now = clock.instant();
      boolean keep;
      synchronized (this) {
        inFlight = null;
        keep =
            !(e instanceof Error)
                && previous != null
                && cached == previous
                && previous.isValidAt(now);
        if (keep) {
          Instant retryAt = min(now.plus(RETRY_AFTER_FAILURE), previous.lastUseAt());
          cached = new Cached(previous.issued(), retryAt);
        }
      }
      if (!keep) {
        flight.completeExceptionally(e);
        return;
      }
      // Our exceptions' messages hold no secret; a throwable from a user's token supplier is
      // not logged, as its message is not ours to vouch for.
      LOG.warn(
          "could not refresh the Azure access token ({}); the current token stays in use until"
              + " {} and the refresh is tried again",
          e instanceof ConnectorException ? e.getMessage() : e.getClass().getName(),
          previous.issued().token().expiresAt());
      issued = previous.issued();
    }
    flight.complete(issued);
  }

  private Instant refreshAt(AccessToken token, Instant obtained) {
    Instant lastUse = token.expiresAt().minus(EXPIRY_SKEW);
    if (!obtained.isBefore(lastUse)) {
      throw new AuthenticationException(
          "the access token from "
              + source.describe()
              + " expires at "
              + token.expiresAt()
              + ", within "
              + EXPIRY_SKEW.toSeconds()
              + " s of being obtained at "
              + obtained
              + ": too late to be used",
          ErrorDetails.ofProvider(TokenHttp.PROVIDER_ID),
          null);
    }
    Instant wanted;
    if (token.refreshAt() != null) {
      // The server's refresh_in: Entra ID knows when it wants tokens renewed.
      wanted = token.refreshAt();
    } else {
      Instant byMargin = token.expiresAt().minus(refreshMargin);
      // A token that lives shorter than twice the margin would otherwise be fetched again on
      // every call; renew it halfway through its life instead.
      Instant halfway =
          obtained.plus(Duration.between(obtained, token.expiresAt()).dividedBy(2));
      wanted = byMargin.isBefore(halfway) ? halfway : byMargin;
    }
    // The cached token is served without a validity check until refreshAt: never past the skew.
    Instant clamped = min(wanted, lastUse);
    return clamped.isBefore(obtained) ? obtained : clamped;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  // Waits for the flight no longer than the deadline and maxWait. Returns null when the fetch
  // another caller started was interrupted and this caller was not, or when the token this caller
  // held was dropped while it waited: it tries again. The caller that started the fetch gets its
  // failure, whatever it is, so that it cannot loop.
  private @Nullable Issued await(
      CompletableFuture<Issued> flight, boolean started, boolean holdsValid, Deadline deadline) {
    long deadlineNanos = deadline.remainingNanos();
    if (holdsValid) {
      // A refresh is worth waiting for, but not at the price of the request: with a token that
      // works, the call keeps the other half of its time to be sent.
      deadlineNanos /= 2;
    }
    boolean deadlineFirst = deadlineNanos < maxWaitNanos;
    if (!started) {
      waiting.incrementAndGet();
    }
    try {
      return flight.get(deadlineFirst ? deadlineNanos : maxWaitNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (!started
          && cause instanceof CallInterruptedException
          && !Thread.currentThread().isInterrupted()) {
        return null;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException("token fetch failed", cause);
    } catch (TimeoutException e) {
      // The fetch goes on. A token still valid (the one due for refresh, or one that landed just
      // now) serves this call; only without one does the call fail.
      Issued current = validCached();
      if (current != null) {
        return current;
      }
      if (holdsValid && deadlineFirst) {
        // The held token was refused by the server meanwhile; half the time is still left.
        return null;
      }
      if (deadlineFirst) {
        throw deadlinePassed("the token request goes on, for the calls that follow");
      }
      throw new ConnectionException(
          "no access token within " + maxWait + ": the token request in progress did not end",
          ErrorDetails.ofProvider(TokenHttp.PROVIDER_ID),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallInterruptedException(
          "interrupted while waiting for an access token",
          ErrorDetails.ofProvider(TokenHttp.PROVIDER_ID),
          e);
    } finally {
      if (!started) {
        waiting.decrementAndGet();
      }
    }
  }

  private synchronized @Nullable Issued validCached() {
    Cached current = cached;
    return current != null && current.isValidAt(clock.instant()) ? current.issued() : null;
  }

  // Names the source, never a token, secret or assertion: describe() holds none.
  private RequestTimeoutException deadlinePassed(String outcome) {
    return new RequestTimeoutException(
        "the deadline of the call passed while the access token was obtained from "
            + source.describe()
            + "; "
            + outcome,
        ErrorDetails.ofProvider(TokenHttp.PROVIDER_ID),
        null);
  }

  /**
   * Tells the time by the cache's clock, the one that stamps {@link Issued#obtainedAt()}.
   *
   * @return the current instant
   */
  public Instant now() {
    return clock.instant();
  }

  /**
   * Counts the callers waiting for a fetch in flight that another caller started, for tests that
   * need them all waiting.
   *
   * @return the number of waiting callers
   */
  public int waiting() {
    return waiting.get();
  }

  /**
   * Describes the token source, never the token.
   *
   * @return the description
   */
  public String describe() {
    return source.describe();
  }

  @Override
  public String toString() {
    return "TokenCache[" + source.describe() + "]";
  }
}
