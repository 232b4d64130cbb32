package dev.openaiconnector.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The provider's rate-limit state after a call, from its {@code x-ratelimit-*} headers: the
 * limits, what remains of them, and when they reset. A part the provider did not send is null.
 *
 * @param requestLimit the requests allowed per window ({@code x-ratelimit-limit-requests})
 * @param remainingRequests the requests left in the window ({@code
 *     x-ratelimit-remaining-requests})
 * @param requestsReset the time until the request window resets ({@code
 *     x-ratelimit-reset-requests})
 * @param tokenLimit the tokens allowed per window ({@code x-ratelimit-limit-tokens})
 * @param remainingTokens the tokens left in the window ({@code x-ratelimit-remaining-tokens})
 * @param tokensReset the time until the token window resets ({@code x-ratelimit-reset-tokens})
 */
public record RateLimits(
    @Nullable Long requestLimit,
    @Nullable Long remainingRequests,
    @Nullable Duration requestsReset,
    @Nullable Long tokenLimit,
    @Nullable Long remainingTokens,
    @Nullable Duration tokensReset) {

  /** Nothing known: the provider sent no rate-limit headers. */
  public static final RateLimits NONE = new RateLimits(null, null, null, null, null, null);

  /**
   * Tells whether the provider sent nothing.
   *
   * @return true when every part is null
   */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
