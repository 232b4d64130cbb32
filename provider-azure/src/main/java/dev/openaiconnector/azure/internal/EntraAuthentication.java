package dev.openaiconnector.azure.internal;

import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * Sends a Microsoft Entra ID token as {@code Authorization: Bearer}, from a {@link TokenCache};
 * after a {@code 401} it drops the refused token and gets a new one, unless that token is fresh.
 * Waits for a token no longer than the call's deadline: the provider calls the methods that take
 * one, and those without one wait no longer than the cache's {@code maxWait}.
 */
public final class EntraAuthentication implements Authentication {
  /**
   * A token refused with {@code 401} younger than this is kept and the {@code 401} reaches the
   * caller: Azure answers {@code 401} when a role assignment is missing, and a new token per call
   * would only get the client throttled by Entra ID (AADSTS50196).
   */
  static final Duration MIN_TOKEN_AGE_FOR_REFRESH = Duration.ofSeconds(60);

  private final TokenCache tokens;
  // The generation each thread last sent and when it was fetched, so that a 401 drops the token
  // that was refused and not a newer one another thread has fetched meanwhile. Numbers, not the
  // token: no secret lingers in pooled threads.
  private final ThreadLocal<Sent> lastSent = new ThreadLocal<>();

  private record Sent(long generation, Instant obtainedAt) {}

  /**
   * Creates the authentication.
   *
   * @param tokens the token cache
   */
  public EntraAuthentication(TokenCache tokens) {
    this.tokens = tokens;
  }

  /**
   * Adds the token's header, waiting for a token no longer than the cache's {@code maxWait}.
   *
   * @param header receives the header
   * @throws dev.openaiconnector.api.ConnectorException when no token can be obtained
   */
  @Override
  public void addHeaders(BiConsumer<String, String> header) {
    addHeaders(header, TokenCache.NO_DEADLINE);
  }

  /**
   * Adds the token's header, waiting for a token no longer than the call's deadline.
   *
   * @param header receives the header
   * @param deadline the call's deadline
   * @throws dev.openaiconnector.api.RequestTimeoutException when the deadline passes while the
   *     token is obtained; the token request goes on for the calls that follow
   * @throws dev.openaiconnector.api.ConnectorException when no token can be obtained
   */
  @Override
  public void addHeaders(BiConsumer<String, String> header, Deadline deadline) {
    TokenCache.Issued issued = tokens.acquire(deadline);
    lastSent.set(new Sent(issued.generation(), issued.obtainedAt()));
    header.accept("Authorization", "Bearer " + issued.token().token().reveal());
  }

  /**
   * As {@link #refreshAfterUnauthorized(Deadline)}, waiting for the new token no longer than the
   * cache's {@code maxWait}.
   *
   * @return true when a new token was obtained, false when the refused token is kept
   * @throws dev.openaiconnector.api.ConnectorException when the new token cannot be obtained
   */
  @Override
  public boolean refreshAfterUnauthorized() {
    return refreshAfterUnauthorized(TokenCache.NO_DEADLINE);
  }

  /**
   * Drops the refused token and gets a new one, once per refused request (the caller never asks
   * twice for one request, so this cannot loop), waiting for it no longer than the call's
   * deadline. A token fetched less than {@link #MIN_TOKEN_AGE_FOR_REFRESH} ago is kept: the {@code
   * 401} then means a missing permission, not a stale token.
   *
   * @param deadline the call's deadline
   * @return true when a new token was obtained, false when the refused token is kept
   * @throws dev.openaiconnector.api.RequestTimeoutException when the deadline passes while the new
   *     token is obtained; the refused token is dropped all the same
   * @throws dev.openaiconnector.api.ConnectorException when the new token cannot be obtained;
   *     its message (for example an AADSTS code) says more than the {@code 401} would
   */
  @Override
  public boolean refreshAfterUnauthorized(Deadline deadline) {
    Sent rejected = lastSent.get();
    lastSent.remove();
    if (rejected != null
        && tokens.now().isBefore(rejected.obtainedAt().plus(MIN_TOKEN_AGE_FOR_REFRESH))) {
      return false;
    }
    tokens.refreshAfterRejection(rejected == null ? -1 : rejected.generation(), deadline);
    return true;
  }

  @Override
  public String toString() {
    return "EntraAuthentication[" + tokens.describe() + "]";
  }
}
