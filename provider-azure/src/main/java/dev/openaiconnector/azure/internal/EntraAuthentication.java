package dev.openaiconnector.azure.internal;

import dev.openaiconnector.openai.Authentication;
import java.util.function.BiConsumer;

/**
 * Sends a Microsoft Entra ID token as {@code Authorization: Bearer}, from a {@link TokenCache};
 * after a {@code 401} it drops the refused token and gets a new one.
 */
public final class EntraAuthentication implements Authentication {
  private final TokenCache tokens;
  // The generation each thread last sent, so that a 401 drops the token that was refused and not
  // a newer one another thread has fetched meanwhile. A number, not the token: no secret lingers
  // in pooled threads.
  private final ThreadLocal<Long> lastSent = new ThreadLocal<>();

  /**
   * Creates the authentication.
   *
   * @param tokens the token cache
   */
  public EntraAuthentication(TokenCache tokens) {
    this.tokens = tokens;
  }

  @Override
  public void addHeaders(BiConsumer<String, String> header) {
    TokenCache.Issued issued = tokens.acquire();
    lastSent.set(issued.generation());
    header.accept("Authorization", "Bearer " + issued.token().token().reveal());
  }

  /**
   * Drops the refused token and gets a new one, once per refused request (the caller never asks
   * twice for one request, so this cannot loop).
   *
   * @return true, as a new token was obtained
   * @throws dev.openaiconnector.api.ConnectorException when the new token cannot be obtained;
   *     its message (for example an AADSTS code) says more than the {@code 401} would
   */
  @Override
  public boolean refreshAfterUnauthorized() {
    Long rejected = lastSent.get();
    lastSent.remove();
    tokens.refreshAfterRejection(rejected == null ? -1 : rejected);
    return true;
  }

  @Override
  public String toString() {
    return "EntraAuthentication[" + tokens.describe() + "]";
  }
}
