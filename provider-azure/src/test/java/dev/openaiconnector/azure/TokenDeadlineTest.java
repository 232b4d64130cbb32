package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The call's deadline bounds the wait for an Entra ID token, against a real token server that
 * holds its answer. A held answer is let go when the test says so, or after {@link #HOLD}: a test
 * that fails leaves no thread behind for long.
 */
class TokenDeadlineTest {
  private static final String SECRET = "canary-client-secret-5d1e";
  private static final Duration HOLD = Duration.ofSeconds(10);

  private final TokenHttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  // Set once the held answer is written: a failure that comes before it did not wait for it.
  private final AtomicBoolean heldAnswered = new AtomicBoolean();
  private final MutableClock clock = new MutableClock(Instant.now());

  TokenDeadlineTest() throws Exception {
    server = new TokenHttpServer();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  private Authentication authentication() {
    return EntraCredential.clientSecret("tenant-1", "client-1", Secret.of(SECRET))
        .authorityHost(server.uri("/"))
        .clock(clock)
        .authentication();
  }

  /** An answer the server gives only when the test releases it, or after {@link #HOLD}. */
  private Function<TokenHttpServer.Recorded, TokenHttpServer.Answer> held(String token) {
    return request -> {
      try {
        release.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      heldAnswered.set(true);
      return new TokenHttpServer.Answer(200, TokenHttpServer.token(token, 3600), Map.of());
    };
  }

  private static String bearer(Authentication authentication, Deadline deadline) {
    Map<String, String> headers = new ConcurrentHashMap<>();
    authentication.addHeaders(headers::put, deadline);
    return headers.get("Authorization");
  }

  @Test
  void aSlowTokenServerFailsTheCallByItsDeadlineAndItsTokenServesTheNextCall() throws Exception {
    server.answer(held("slow-token"));
    Authentication authentication = authentication();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> bearer(authentication, Deadline.after(Duration.ofMillis(300))))
          .isInstanceOfSatisfying(
              RequestTimeoutException.class,
              e -> assertThat(e.providerId()).hasValue("azure"))
          .hasMessageContaining("deadline of the call passed while the access token was obtained")
          .hasMessageNotContaining(SECRET);
      // Generous: the server holds its answer for ten seconds.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HOLD.dividedBy(2));
      assertThat(heldAnswered).isFalse();

      // The token request went on: a call with time to wait gets its token, with no second one.
      Future<String> next =
          pool.submit(() -> bearer(authentication, Deadline.after(Duration.ofSeconds(30))));
      release.countDown();
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("Bearer slow-token");
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void theRefreshAfterA401IsBoundedByTheDeadline() {
    server.answer(200, TokenHttpServer.token("first-token", 3600)).answer(held("second-token"));
    Authentication authentication = authentication();
    assertThat(bearer(authentication, Deadline.after(Duration.ofSeconds(30))))
        .isEqualTo("Bearer first-token");
    // Old enough that a 401 means a stale token, not a missing role.
    clock.advance(Duration.ofMinutes(2));

    assertThatThrownBy(
            () -> authentication.refreshAfterUnauthorized(Deadline.after(Duration.ofMillis(300))))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("deadline of the call passed")
        .hasMessageNotContaining("first-token");
    assertThat(heldAnswered).isFalse();

    release.countDown();
    // The refused token was dropped: the next call waits for the new one, never sends the old.
    assertThat(bearer(authentication, Deadline.after(Duration.ofSeconds(30))))
        .isEqualTo("Bearer second-token");
    assertThat(server.requests).hasSize(2);
  }

  @Test
  void aDeadlineAlreadyPassedSendsNoTokenRequest() {
    server.answer(200, TokenHttpServer.token("unused-token", 3600));

    assertThatThrownBy(() -> bearer(authentication(), Deadline.after(Duration.ZERO)))
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("no token request was sent");
    assertThat(server.requests).isEmpty();
  }
}
