package dev.openaiconnector.azure;

import dev.openaiconnector.api.Secret;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Microsoft Entra ID access token and when it expires, as a token source hands it to the
 * provider. Its {@code toString()} never shows the token.
 *
 * @param token the bearer token
 * @param expiresAt when the token stops being accepted
 * @param refreshAt when to get a new one, as the token server advised ({@code refresh_in}), or
 *     null to refresh a margin before {@code expiresAt}
 */
public record AccessToken(Secret token, Instant expiresAt, @Nullable Instant refreshAt) {
  /** Checks that the token and its expiry are present, and the refresh not after the expiry. */
  public AccessToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (refreshAt != null && refreshAt.isAfter(expiresAt)) {
      throw new IllegalArgumentException(
          "refreshAt " + refreshAt + " must not be after expiresAt " + expiresAt);
    }
  }

  /**
   * A token with no refresh advice.
   *
   * @param token the bearer token
   * @param expiresAt when the token stops being accepted
   * @return the token
   */
  public static AccessToken of(String token, Instant expiresAt) {
    return new AccessToken(Secret.of(token), expiresAt, null);
  }
}
