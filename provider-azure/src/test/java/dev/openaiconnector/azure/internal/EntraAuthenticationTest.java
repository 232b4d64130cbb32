package dev.openaiconnector.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.azure.AccessToken;
import dev.openaiconnector.azure.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EntraAuthenticationTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final AtomicInteger fetches = new AtomicInteger();

  private final TokenSource source =
      new TokenSource() {
        @Override
        public AccessToken fetch() {
          return AccessToken.of(
              "t" + fetches.incrementAndGet(), clock.instant().plus(Duration.ofHours(1)));
        }

        @Override
        public String describe() {
          return "counting";
        }
      };

  private final EntraAuthentication authentication =
      new EntraAuthentication(
          new TokenCache(source, clock, Duration.ofMinutes(5), Duration.ofSeconds(10)));

  /** One call as the client makes it: send, and on a 401 ask once for a new token and resend. */
  private boolean callRefusedWith401() {
    authentication.addHeaders((name, value) -> {});
    boolean retried = authentication.refreshAfterUnauthorized();
    if (retried) {
      authentication.addHeaders((name, value) -> {});
    }
    return retried;
  }

  @Test
  void aPersistent401CostsAtMostOneTokenRequestPerWindow() {
    int calls = 600; // one a second for ten minutes
    for (int i = 0; i < calls; i++) {
      callRefusedWith401();
      clock.advance(Duration.ofSeconds(1));
    }
    // The first token, then at most one new token per minute, not one per call.
    assertThat(fetches.get()).isLessThanOrEqualTo(1 + 10);
  }

  @Test
  void aFreshTokenRefusedWith401IsKeptAndThe401ReachesTheCaller() {
    assertThat(callRefusedWith401()).isFalse();
    assertThat(fetches).hasValue(1);
  }

  @Test
  void anOlderTokenRefusedWith401IsReplaced() {
    authentication.addHeaders((name, value) -> {});
    clock.advance(EntraAuthentication.MIN_TOKEN_AGE_FOR_REFRESH);
    assertThat(authentication.refreshAfterUnauthorized()).isTrue();
    assertThat(fetches).hasValue(2);
  }
}
