package dev.openaiconnector.azure.internal;

import dev.openaiconnector.azure.AccessToken;

/**
 * Fetches a new access token from wherever tokens come from: Microsoft Entra ID, a managed
 * identity endpoint, or the application. Called by {@link TokenCache}, one fetch at a time.
 */
public interface TokenSource {
  /**
   * Fetches a new token; blocks on the network, bounded by the HTTP client's timeouts.
   *
   * @return the token
   * @throws dev.openaiconnector.api.ConnectorException when no token can be obtained; the message
   *     holds no secret
   */
  AccessToken fetch();

  /**
   * Describes the source for {@code toString()}: the kind, tenant and client, never a secret.
   *
   * @return the description
   */
  String describe();
}
