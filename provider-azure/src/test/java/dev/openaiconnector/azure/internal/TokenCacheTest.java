package dev.openaiconnector.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.AccessToken;
import dev.openaiconnector.azure.MutableClock;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TokenCacheTest {
  private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
  private final MutableClock clock = new MutableClock(START);

  /** A token source that answers from a script and counts its fetches. */
  private static final class ScriptedSource implements TokenSource {
    final Queue<Supplier<AccessToken>> answers = new ConcurrentLinkedQueue<>();
    final AtomicInteger fetches = new AtomicInteger();

    ScriptedSource then(Supplier<AccessToken> answer) {
      answers.add(answer);
      return this;
    }

    @Override
    public AccessToken fetch() {
      fetches.incrementAndGet();
      Supplier<AccessToken> answer = answers.poll();
      if (answer == null) {
        throw new AssertionError("unexpected token fetch");
      }
      return answer.get();
    }

    @Override
    public String describe() {
      return "scripted";
    }
  }

  private AccessToken token(String value, Duration lifetime) {
    return AccessToken.of(value, clock.instant().plus(lifetime));
  }

  private TokenCache cache(TokenSource source) {
    return new TokenCache(source, clock, Duration.ofMinutes(5), Duration.ofSeconds(10));
  }

  private static AuthenticationException refused() {
    return new AuthenticationException(
        "Microsoft Entra ID refused the token request", ErrorDetails.ofProvider("azure"), null);
  }

  /** Waits, boundedly, until the callers other than the fetching one wait for its fetch. */
  private static void awaitWaiting(TokenCache cache, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cache.waiting() < expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + cache.waiting() + " callers waiting, not " + expected);
      }
      Thread.sleep(1);
    }
  }

  /** Waits, boundedly, until the source has been asked for a token. */
  private static void awaitFetchStarted(ScriptedSource source) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (source.fetches.get() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no fetch started");
      }
      Thread.sleep(1);
    }
  }

  @Test
  void cachesTheTokenUntilTheRefreshMarginBeforeExpiry() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofHours(1))).then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);

    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    clock.advance(Duration.ofMinutes(54));
    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    assertThat(source.fetches).hasValue(1);

    clock.advance(Duration.ofMinutes(1)); // 55 min: 5 min before expiry
    assertThat(cache.get().token().reveal()).isEqualTo("t2");
    assertThat(source.fetches).hasValue(2);
  }

  @Test
  void refreshesWhenTheServerSaysWithRefreshIn() {
    ScriptedSource source = new ScriptedSource();
    source
        .then(
            () ->
                new AccessToken(
                    Secret.of("t1"),
                    clock.instant().plus(Duration.ofHours(24)),
                    clock.instant().plus(Duration.ofHours(12))))
        .then(() -> token("t2", Duration.ofHours(24)));
    TokenCache cache = cache(source);

    cache.get();
    clock.advance(Duration.ofHours(11).plusMinutes(59));
    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.get().token().reveal()).isEqualTo("t2");
  }

  @Test
  void refreshesAShortLivedTokenHalfwayInsteadOfOnEveryCall() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofMinutes(6))).then(() -> token("t2", Duration.ofMinutes(6)));
    TokenCache cache = cache(source);

    cache.get();
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    clock.advance(Duration.ofMinutes(1));
    assertThat(cache.get().token().reveal()).isEqualTo("t2");
  }

  @Test
  void fiftyConcurrentCallersCauseExactlyOneFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    // Holds the fetch open so that the other callers find it in flight.
    source.then(afterRelease(release, () -> token("shared", Duration.ofHours(1))));
    TokenCache cache = cache(source);
    int callers = 50;
    CyclicBarrier start = new CyclicBarrier(callers + 1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return cache.get().token().reveal();
                }));
      }
      start.await(10, TimeUnit.SECONDS);
      awaitWaiting(cache, callers - 1);
      release.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void callersKeepTheValidTokenWhileAnotherRefreshes() throws Exception {
    CountDownLatch fetching = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    source
        .then(() -> token("old", Duration.ofHours(1)))
        .then(
            () -> {
              fetching.countDown();
              return afterRelease(release, () -> token("new", Duration.ofHours(1))).get();
            });
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(56));

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> refresher = pool.submit(() -> cache.get().token().reveal());
      assertThat(fetching.await(10, TimeUnit.SECONDS)).isTrue();
      // The refresh is in flight: this caller is not made to wait for it.
      assertThat(cache.get().token().reveal()).isEqualTo("old");
      release.countDown();
      assertThat(refresher.get(10, TimeUnit.SECONDS)).isEqualTo("new");
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.get().token().reveal()).isEqualTo("new");
    assertThat(source.fetches).hasValue(2);
  }

  @Test
  void failedRefreshKeepsTheStillValidTokenAndTriesAgainLater() {
    ScriptedSource source = new ScriptedSource();
    source
        .then(() -> token("t1", Duration.ofHours(1)))
        .then(
            () -> {
              throw new ConnectionException(
                  "could not reach Microsoft Entra ID", ErrorDetails.ofProvider("azure"), null);
            })
        .then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(56));

    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    assertThat(source.fetches).hasValue(2);
    // Not again on the very next call: a token server outage must not cost a request per call.
    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    assertThat(source.fetches).hasValue(2);

    clock.advance(TokenCache.RETRY_AFTER_FAILURE);
    assertThat(cache.get().token().reveal()).isEqualTo("t2");
    assertThat(source.fetches).hasValue(3);
  }

  @Test
  void failedRefreshIsLoggedOnceAtWarnWithoutTheToken() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("token-value-canary", Duration.ofHours(1))).then(() -> {
      throw refused();
    });
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(56));
    Logger logger = (Logger) LoggerFactory.getLogger(TokenCache.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      cache.get();
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(appender.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .contains("refused the token request")
                  .doesNotContain("token-value-canary");
              assertThat(event.getThrowableProxy()).isNull();
            });
  }

  @Test
  void failedFetchWithoutAValidTokenFails() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofHours(1))).then(() -> {
      throw refused();
    });
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(60));

    assertThatThrownBy(cache::get).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void waitersGetTheFailureOfTheOneFetch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    source.then(
        afterRelease(
            release,
            () -> {
              throw refused();
            }));
    TokenCache cache = cache(source);
    int callers = 10;
    CyclicBarrier start = new CyclicBarrier(callers + 1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  try {
                    return cache.get();
                  } catch (AuthenticationException e) {
                    return e;
                  }
                }));
      }
      start.await(10, TimeUnit.SECONDS);
      awaitWaiting(cache, callers - 1);
      release.countDown();
      int failures = 0;
      for (Future<Object> result : results) {
        Object outcome = result.get(10, TimeUnit.SECONDS);
        if (outcome instanceof AuthenticationException) {
          failures++;
        }
      }
      assertThat(failures).isEqualTo(callers);
      assertThat(source.fetches).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectionDropsTheRefusedTokenAndFetchesOnce() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofHours(1))).then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);
    TokenCache.Issued first = cache.acquire();

    assertThat(cache.refreshAfterRejection(first.generation()).token().token().reveal())
        .isEqualTo("t2");
    // A second request refused with the same old token takes the new one; no second fetch.
    assertThat(cache.refreshAfterRejection(first.generation()).token().token().reveal())
        .isEqualTo("t2");
    assertThat(source.fetches).hasValue(2);
  }

  @Test
  void callersGiveUpAfterTheBoundedWaitAndTheFetchGoesOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    source.then(afterRelease(release, () -> token("late", Duration.ofHours(1))));
    TokenCache cache = new TokenCache(source, clock, Duration.ofMinutes(5), Duration.ofMillis(50));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<AccessToken> leader = pool.submit(cache::get);
      // Only once the leader's fetch is in flight does a second caller wait on it.
      awaitFetchStarted(source);
      assertThatThrownBy(cache::get)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("no access token within");
      // maxWait bounds the caller that started the fetch too, as a hung supplier would hold it.
      assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionException.class);
      release.countDown();
      assertThat(untilLanded(cache).token().reveal()).isEqualTo("late");
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.fetches).hasValue(1);
  }

  /** Asks, boundedly, until the fetch in flight has landed, for caches with a very short wait. */
  private static AccessToken untilLanded(TokenCache cache) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return cache.get();
      } catch (ConnectionException stillInFlight) {
        if (System.nanoTime() > deadline) {
          throw stillInFlight;
        }
      }
    }
  }

  /** An answer given only when released, or after ten seconds: a fetch held in flight. */
  private static Supplier<AccessToken> afterRelease(
      CountDownLatch release, Supplier<AccessToken> answer) {
    return () -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.get();
    };
  }

  /** A source whose first fetch answers only when released, or after ten seconds. */
  private ScriptedSource heldUntil(CountDownLatch release, String value) {
    ScriptedSource source = new ScriptedSource();
    source.then(afterRelease(release, () -> token(value, Duration.ofHours(1))));
    return source;
  }

  @Test
  void aCallerGivesUpAtItsDeadlineWhileTheFetchGoesOnForTheOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = heldUntil(release, "shared");
    TokenCache cache = cache(source);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<TokenCache.Issued> hurried =
          pool.submit(() -> cache.acquire(Deadline.after(Duration.ofMillis(300))));
      awaitFetchStarted(source);
      Future<TokenCache.Issued> patient =
          pool.submit(() -> cache.acquire(Deadline.after(Duration.ofSeconds(30))));
      awaitWaiting(cache, 1);

      // The hurried caller started the fetch; its deadline ends its wait, not the fetch.
      assertThatThrownBy(() -> hurried.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              RequestTimeoutException.class,
              e -> assertThat(e.providerId()).hasValue("azure"))
          .hasMessageContaining("deadline of the call passed while the access token was obtained")
          .hasMessageContaining("scripted");
      assertThat(patient).isNotDone();
      release.countDown();
      assertThat(patient.get(10, TimeUnit.SECONDS).token().token().reveal()).isEqualTo("shared");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    assertThat(cache.acquire(Deadline.after(Duration.ZERO)).token().token().reveal())
        .isEqualTo("shared");
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void aPassedDeadlineStartsNoFetch() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofHours(1)));
    TokenCache cache = cache(source);

    assertThatThrownBy(() -> cache.acquire(Deadline.after(Duration.ZERO)))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("no token request was sent");
    assertThat(source.fetches).hasValue(0);

    cache.get();
    clock.advance(Duration.ofMinutes(56));
    // Due for refresh but still valid: good enough for a call out of time, and no fetch for it.
    assertThat(cache.acquire(Deadline.after(Duration.ZERO)).token().token().reveal())
        .isEqualTo("t1");
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void theCallerThatStartsARefreshGoesOnWithTheValidTokenWhileItHasTimeLeft() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    source
        .then(() -> token("old", Duration.ofHours(1)))
        .then(afterRelease(release, () -> token("new", Duration.ofHours(1))));
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(56));
    try {
      Deadline deadline = Deadline.after(Duration.ofSeconds(3));

      assertThat(cache.acquire(deadline).token().token().reveal()).isEqualTo("old");
      // It waited for the refresh half its time: the request it serves has the rest.
      assertThat(deadline.isExpired()).isFalse();
      assertThat(source.fetches).hasValue(2);
    } finally {
      release.countDown();
    }
    long landed = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cache.get().token().reveal().equals("new") && System.nanoTime() < landed) {
      Thread.sleep(5);
    }
    assertThat(cache.get().token().reveal()).isEqualTo("new");
    assertThat(source.fetches).hasValue(2);
  }

  @Test
  void anInterruptedCallerLeavesTheFetchToTheOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = heldUntil(release, "shared");
    TokenCache cache = cache(source);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread interrupted =
        new Thread(
            () -> {
              try {
                cache.get();
              } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      interrupted.start();
      awaitFetchStarted(source);
      interrupted.interrupt();
      interrupted.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(thrown.get()).isInstanceOf(CallInterruptedException.class);
      assertThat(stillInterrupted).isTrue();

      Future<AccessToken> other = pool.submit(cache::get);
      awaitWaiting(cache, 1);
      release.countDown();
      assertThat(other.get(10, TimeUnit.SECONDS).token().reveal()).isEqualTo("shared");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    assertThat(source.fetches).hasValue(1);
  }

  @Test
  void tokensAreFetchedOnTheCachesOwnDaemonThread() {
    AtomicReference<Thread> fetchedOn = new AtomicReference<>();
    ScriptedSource source = new ScriptedSource();
    source.then(
        () -> {
          fetchedOn.set(Thread.currentThread());
          return token("t1", Duration.ofHours(1));
        });

    cache(source).get();

    assertThat(fetchedOn.get().getName()).isEqualTo(TokenCache.FETCH_THREAD_NAME);
    assertThat(fetchedOn.get().isDaemon()).isTrue();
  }

  @Test
  void anErrorFromTheSourceDoesNotLeaveTheFetchInFlight() {
    ScriptedSource source = new ScriptedSource();
    source
        .then(
            () -> {
              throw new AssertionError("broken source");
            })
        .then(() -> token("t1", Duration.ofHours(1)));
    TokenCache cache = new TokenCache(source, clock, Duration.ofMinutes(5), Duration.ofMillis(50));

    assertThatThrownBy(cache::get).isInstanceOf(AssertionError.class).hasMessage("broken source");
    // The next caller fetches anew instead of waiting for a fetch that will never end.
    assertThat(cache.get().token().reveal()).isEqualTo("t1");
    assertThat(source.fetches).hasValue(2);
  }

  @Test
  void aRefreshAtTheExpiryIsMovedBeforeTheSkew() {
    ScriptedSource source = new ScriptedSource();
    source
        .then(
            () -> {
              Instant expiresAt = clock.instant().plus(Duration.ofHours(1));
              return new AccessToken(Secret.of("t1"), expiresAt, expiresAt);
            })
        .then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofHours(1).minus(TokenCache.EXPIRY_SKEW));

    assertThat(cache.get().token().reveal()).isEqualTo("t2");
  }

  @Test
  void aZeroRefreshMarginStillRefreshesBeforeTheSkew() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("t1", Duration.ofHours(1))).then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = new TokenCache(source, clock, Duration.ZERO, Duration.ofSeconds(10));
    cache.get();
    clock.advance(Duration.ofHours(1).minus(TokenCache.EXPIRY_SKEW));

    assertThat(cache.get().token().reveal()).isEqualTo("t2");
  }

  @Test
  void accessTokenRejectsARefreshAfterTheExpiry() {
    assertThatThrownBy(
            () -> new AccessToken(Secret.of("t"), START, START.plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshAt");
  }

  @Test
  void aTokenThatArrivesInsideTheSkewIsRefused() {
    ScriptedSource source = new ScriptedSource();
    source.then(() -> token("nearly-expired-canary", Duration.ofSeconds(10)));
    TokenCache cache = cache(source);

    assertThatThrownBy(cache::get)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(START.plusSeconds(10).toString())
        .message()
        .doesNotContain("nearly-expired-canary");
  }

  @Test
  void theRetryAfterAFailedRefreshIsNotPastTheSkew() {
    ScriptedSource source = new ScriptedSource();
    source
        .then(() -> token("t1", Duration.ofHours(1)))
        .then(
            () -> {
              throw refused();
            })
        .then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);
    cache.get();
    clock.advance(Duration.ofMinutes(59).plusSeconds(20));
    assertThat(cache.get().token().reveal()).isEqualTo("t1");

    clock.advance(Duration.ofSeconds(15)); // inside the skew, before the 30 s retry delay
    assertThat(cache.get().token().reveal()).isEqualTo("t2");
  }

  @Test
  void aWaiterTriesAgainWhenTheFetchWasInterrupted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSource source = new ScriptedSource();
    source
        .then(
            afterRelease(
                release,
                () -> {
                  throw new CallInterruptedException(
                      "interrupted", ErrorDetails.ofProvider("azure"), null);
                }))
        .then(() -> token("t2", Duration.ofHours(1)));
    TokenCache cache = cache(source);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<AccessToken> leader = pool.submit(cache::get);
      while (source.fetches.get() == 0) {
        Thread.onSpinWait();
      }
      Future<AccessToken> waiter = pool.submit(cache::get);
      awaitWaiting(cache, 1);
      release.countDown();
      assertThat(waiter.get(10, TimeUnit.SECONDS).token().reveal()).isEqualTo("t2");
      assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(CallInterruptedException.class);
    } finally {
      pool.shutdownNow();
    }
    assertThat(source.fetches).hasValue(2);
  }
}
