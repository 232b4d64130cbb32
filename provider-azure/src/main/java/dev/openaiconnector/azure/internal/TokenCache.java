package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.azure.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches an access token and refreshes it before it expires, one fetch at a time (single flight):
 * when a refresh is due, one caller fetches while the others keep using the token that is still
 * valid, or wait for the fetch when none is. A failed refresh keeps a token that is still valid
 * and tries again a little later. Thread-safe.
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

  private final TokenSource source;
  private final Clock clock;
  private final Duration refreshMargin;
  private final Duration maxWait;

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
   * @param maxWait how long a caller waits for another caller's fetch; the fetch itself is
   *     bounded by the HTTP timeouts, this bounds a token supplier that hangs
   */
  public TokenCache(TokenSource source, Clock clock, Duration refreshMargin, Duration maxWait) {
    this.source = source;
    this.clock = clock;
    this.refreshMargin = refreshMargin;
    this.maxWait = maxWait;
  }

  /**
   * Returns a valid token, fetching one if none is cached or the cached one is due for refresh.
   *
   * @return the token
   * @throws ConnectorException when no valid token is cached and the fetch failed
   */
  public AccessToken get() {
    return acquire().token();
  }

  /**
   * Returns a valid token with its generation.
   *
   * @return the token
   * @throws ConnectorException when no valid token is cached and the fetch failed
   */
  public Issued acquire() {
    while (true) {
      Cached snapshot;
      CompletableFuture<Issued> flight;
      boolean leader = false;
      synchronized (this) {
        Instant now = clock.instant();
        snapshot = cached;
        if (snapshot != null && now.isBefore(snapshot.refreshAt())) {
          return snapshot.issued();
        }
        if (inFlight == null) {
          inFlight = new CompletableFuture<>();
          leader = true;
        }
        flight = inFlight;
        if (!leader && snapshot != null && snapshot.isValidAt(now)) {
          // Another caller is fetching; this one goes on with the token that still works.
          return snapshot.issued();
        }
      }
      Issued issued = leader ? fetch(flight, snapshot) : await(flight);
      if (issued != null) {
        return issued;
      }
      // The fetching caller was interrupted, this one was not: it tries again.
    }
  }

  /**
   * Drops the token the server refused with {@code 401} and fetches a new one. When several calls
   * were refused the same token, the first drops it and fetches; the others wait for that fetch or
   * take its result.
   *
   * @param rejected the generation of the refused token, or a negative number when not known
   * @return the new token
   * @throws ConnectorException when the fetch failed
   */
  public Issued refreshAfterRejection(long rejected) {
    synchronized (this) {
      Cached current = cached;
      if (current != null && (rejected < 0 || current.issued().generation() == rejected)) {
        cached = null;
      }
    }
    return acquire();
  }

  private Issued fetch(CompletableFuture<Issued> flight, @Nullable Cached previous) {
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
      flight.completeExceptionally(e);
      if (keep) {
        // Our exceptions' messages hold no secret; a throwable from a user's token supplier is
        // not logged, as its message is not ours to vouch for.
        LOG.warn(
            "could not refresh the Azure access token ({}); the current token stays in use until"
                + " {} and the refresh is tried again",
            e instanceof ConnectorException ? e.getMessage() : e.getClass().getName(),
            previous.issued().token().expiresAt());
        return previous.issued();
      }
      throw e;
    }
    flight.complete(issued);
    return issued;
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

  // Returns null when the fetching caller was interrupted and this one was not: it tries again.
  private @Nullable Issued await(CompletableFuture<Issued> flight) {
    waiting.incrementAndGet();
    try {
      return flight.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CallInterruptedException && !Thread.currentThread().isInterrupted()) {
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
      waiting.decrementAndGet();
    }
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
   * Counts the callers waiting for a fetch in flight, for tests that need them all waiting.
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
