package dev.openaiconnector.openai;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How a provider's HTTP client reaches the server: through which proxy, with which credentials
 * for it, and with which TLS context (the certificate authorities it trusts, a client
 * certificate). What is not set is the JVM's: {@link ProxySelector#getDefault()} (the {@code
 * https.proxyHost}, {@code https.proxyPort} and {@code http.nonProxyHosts} system properties),
 * no proxy credentials, and {@link SSLContext#getDefault()} (the {@code javax.net.ssl.trustStore}
 * system properties).
 *
 * <pre>{@code
 * Network network = Network.builder()
 *     .proxy(ProxySelector.of(new InetSocketAddress("proxy.example.com", 3128)))
 *     .proxyCredentials("alice", proxyPassword)
 *     .sslContext(contextTrustingTheCorporateCa)
 *     .build();
 * OpenAiProvider.builder().apiKey(key).network(network).build();
 * }</pre>
 *
 * <p>Proxy credentials go in a {@code Proxy-Authorization: Basic} header that the JDK client
 * sends to the proxy only: on the {@code CONNECT} that opens a tunnel for HTTPS, and on each
 * request of plain HTTP through a proxy; never to a server reached directly or through a tunnel.
 * For the tunnel, the JDK client drops {@code Basic} unless the JVM is started with {@code
 * -Djdk.http.auth.tunneling.disabledSchemes=} (empty; the JDK's default is {@code Basic}). Why
 * not a {@link java.net.Authenticator}: the JDK client given one drops the request's own {@code
 * Authorization} header, which carries the API key, and turns the API's 401 answers into
 * exceptions without their error code.
 *
 * <p>Immutable and thread-safe. {@link #toString()} says what is set, never a credential.
 */
public final class Network {
  /** The status a proxy answers when it wants credentials. */
  public static final int PROXY_AUTHENTICATION_REQUIRED = 407;

  private static final String PROXY_AUTHORIZATION = "Proxy-Authorization";
  private static final Network JVM_DEFAULTS = new Network(builder());

  private final @Nullable ProxySelector proxy;
  private final @Nullable Secret proxyAuthorization;
  private final @Nullable SSLContext sslContext;

  private Network(Builder builder) {
    this.proxy = builder.proxy;
    this.proxyAuthorization = builder.proxyAuthorization;
    this.sslContext = builder.sslContext;
  }

  /**
   * Returns the JVM's settings: its default proxy selector and TLS context, no proxy
   * credentials. What a provider uses unless it is given a network.
   *
   * @return the JVM's settings
   */
  public static Network jvmDefaults() {
    return JVM_DEFAULTS;
  }

  /**
   * Starts a network; what is not set stays the JVM's.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the failure to report when a proxy answered HTTP 407, as the providers do: the proxy
   * wants credentials it did not get or did not accept. Only a proxy sends 407; the JDK client
   * returns its answer to a tunnel's {@code CONNECT} as the response, with no body. A setting to
   * change, so not retried.
   *
   * @param what what could not be done, for example {@code The call to POST https://...}
   * @return the failure, naming both fixes
   */
  public static ConfigurationException proxyRefused(String what) {
    return new ConfigurationException(
        what
            + ": the proxy answered HTTP "
            + PROXY_AUTHENTICATION_REQUIRED
            + ", as it wants credentials it did not get or did not accept. Give them with"
            + " Network.Builder.proxyCredentials; for HTTPS, also start the JVM with"
            + " -Djdk.http.auth.tunneling.disabledSchemes= (empty), else the JDK client leaves"
            + " them out",
        null);
  }

  /**
   * Sets this network's proxy and TLS context on a JDK client builder, as the providers do;
   * leaves the rest alone.
   *
   * @param client the builder of a JDK client
   * @return the same builder
   */
  public HttpClient.Builder applyTo(HttpClient.Builder client) {
    if (proxy != null) {
      client.proxy(proxy);
    }
    if (sslContext != null) {
      client.sslContext(sslContext);
    }
    return client;
  }

  /**
   * Adds this network's proxy credentials to a request, when it has any, as the providers do for
   * each request. The JDK client sends them to the proxy only.
   *
   * @param request the builder of a request to a client this network was applied to
   * @return the same builder
   */
  public HttpRequest.Builder applyTo(HttpRequest.Builder request) {
    Secret authorization = proxyAuthorization;
    if (authorization != null) {
      request.setHeader(PROXY_AUTHORIZATION, authorization.reveal());
    }
    return request;
  }

  @Override
  public String toString() {
    SSLContext tls = sslContext;
    return "Network[proxy="
        + (proxy == null ? "JVM default" : proxy.getClass().getName())
        + ", proxyCredentials="
        + (proxyAuthorization == null ? "none" : "set")
        + ", sslContext="
        + (tls == null
            ? "JVM default"
            : tls.getProtocol() + " (" + tls.getProvider().getName() + ")")
        + "]";
  }

  /** Builds a {@link Network}. */
  public static final class Builder {
    private @Nullable ProxySelector proxy;
    private @Nullable Secret proxyAuthorization;
    private @Nullable SSLContext sslContext;

    private Builder() {}

    /**
     * Sets the proxy, for example {@code ProxySelector.of(new InetSocketAddress("proxy", 3128))}
     * for one proxy for every host, or {@link HttpClient.Builder#NO_PROXY} for none whatever the
     * JVM's settings.
     *
     * @param proxy chooses the proxy of each request; default {@link ProxySelector#getDefault()}
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * Sets the credentials for a proxy that asks for them (HTTP 407), the proxy set here or the
     * JVM's, sent with the {@code Basic} scheme; see the class comment for the JVM option that
     * HTTPS through such a proxy needs.
     *
     * @param user the user name; not blank, without a colon or control characters
     * @param password the password; not blank, without control characters
     * @return this builder
     * @throws IllegalArgumentException if either cannot be sent, naming which
     */
    public Builder proxyCredentials(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (user.isBlank() || user.indexOf(':') >= 0 || hasControlCharacter(user)) {
        throw new IllegalArgumentException(
            "proxyCredentials: the user must not be blank and must hold no colon and no control"
                + " character (Basic credentials cannot carry them)");
      }
      if (password.isBlank() || hasControlCharacter(password)) {
        throw new IllegalArgumentException(
            "proxyCredentials: the password must not be blank and must hold no control character");
      }
      String pair = user + ":" + password;
      this.proxyAuthorization =
          Secret.of(
              "Basic "
                  + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      return this;
    }

    private static boolean hasControlCharacter(String text) {
      return text.chars().anyMatch(Character::isISOControl);
    }

    /**
     * Sets the TLS context: the certificate authorities trusted (a corporate one that inspects
     * TLS, a private endpoint's) and a client certificate, if any.
     *
     * @param sslContext an initialised context; default {@link SSLContext#getDefault()}
     * @return this builder
     * @throws IllegalArgumentException if the context is not initialised
     */
    public Builder sslContext(SSLContext sslContext) {
      Objects.requireNonNull(sslContext, "sslContext");
      try {
        sslContext.getDefaultSSLParameters();
      } catch (IllegalStateException notInitialised) {
        // Else the JDK client's build fails with its own words, naming none of ours.
        throw new IllegalArgumentException(
            "sslContext: the context is not initialised; call its init(keyManagers,"
                + " trustManagers, null) first",
            notInitialised);
      }
      this.sslContext = sslContext;
      return this;
    }

    /**
     * Builds the network.
     *
     * @return the network
     */
    public Network build() {
      return new Network(this);
    }
  }
}
