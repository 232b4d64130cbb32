package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.openai.Network;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Sends token requests over the JDK's HTTP client, so that token acquisition needs no HTTP stack
 * of its own. The client is created on the first request: a credential that is configured but
 * never used starts no thread.
 */
public final class TokenHttp {
  static final String PROVIDER_ID = "azure";

  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Network network;
  private @Nullable HttpClient client;

  /**
   * Creates the sender.
   *
   * @param connectTimeout the time allowed to open a connection
   * @param requestTimeout the time allowed for the whole answer
   * @param network the proxy and TLS settings
   */
  public TokenHttp(Duration connectTimeout, Duration requestTimeout, Network network) {
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.network = network;
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client =
          network
              .applyTo(HttpClient.newBuilder())
              .connectTimeout(connectTimeout)
              // A token server that redirects is misconfigured; following it could send the
              // secret elsewhere.
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return client;
  }

  /**
   * Sends a request and reads the whole answer as text.
   *
   * @param request the request, without a timeout
   * @param server names the server in messages, for example {@code Microsoft Entra ID}
   * @return the response, whatever its status
   */
  public HttpResponse<String> send(HttpRequest.Builder request, String server) {
    return send(request, server, "");
  }

  /**
   * Sends a request and reads the whole answer as text.
   *
   * @param request the request, without a timeout
   * @param server names the server in messages, for example {@code Microsoft Entra ID}
   * @param hint appended to the message when the server cannot be reached; may be empty
   * @return the response, whatever its status
   */
  public HttpResponse<String> send(HttpRequest.Builder request, String server, String hint) {
    HttpRequest built = network.applyTo(request).timeout(requestTimeout).build();
    String where = built.uri().getScheme() + "://" + built.uri().getAuthority();
    HttpResponse<String> response;
    try {
      response = client().send(built, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RequestTimeoutException(
          server
              + " at "
              + where
              + " did not answer the token request within "
              + requestTimeout
              + hint,
          ErrorDetails.ofProvider(PROVIDER_ID),
          e);
    } catch (IOException e) {
      throw new ConnectionException(
          "could not reach " + server + " at " + where + " for a token: " + e + hint,
          ErrorDetails.ofProvider(PROVIDER_ID),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallInterruptedException(
          "interrupted while waiting for a token from " + server,
          ErrorDetails.ofProvider(PROVIDER_ID),
          e);
    }
    if (response.statusCode() == Network.PROXY_AUTHENTICATION_REQUIRED) {
      throw Network.proxyRefused(
          "could not reach " + server + " at " + where + " for a token through the proxy"
              + " (EntraCredential.network)");
    }
    return response;
  }
}
