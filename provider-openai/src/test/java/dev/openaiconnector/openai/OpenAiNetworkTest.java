package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider behind a corporate proxy ({@link ConnectProxy}) to HTTP/2 over TLS ({@link
 * Http2TlsProxy} in front of the fake server), with the {@link Network} a user gives it.
 *
 * <p>The JDK client leaves {@code Basic} credentials out of a tunnel's {@code CONNECT} unless the
 * JVM says otherwise: this module's tests run with {@code
 * -Djdk.http.auth.tunneling.disabledSchemes=} (the pom), as a user behind such a proxy must (the
 * README).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenAiNetworkTest {
  private static final String PROXY_USER = "alice";
  private static final String PROXY_PASSWORD = "proxy-pass-7c1e";

  // One certificate for the class: keytool starts a JVM of its own.
  @TempDir static Path keys;

  private FakeOpenAiServer server;
  private Http2TlsProxy tls;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    tls = Http2TlsProxy.start(server.baseUrl(), keys);
  }

  @AfterEach
  void stop() {
    server.close();
    tls.close();
  }

  private OpenAiProvider provider(Network network) {
    return OpenAiProvider.builder()
        .apiKey("sk-test-network")
        .baseUrl(tls.baseUrl().toString())
        .network(network)
        .build();
  }

  /** A network through a proxy to the TLS server, trusting its certificate. */
  private Network.Builder via(ConnectProxy proxy) {
    return Network.builder()
        .proxy(ProxySelector.of(proxy.address()))
        .sslContext(tls.clientTrust());
  }

  private static String ping(OpenAiProvider provider) {
    return provider
        .chat()
        .complete(ChatRequest.builder().model("gpt-4o-mini").user("ping").build(), soon())
        .content();
  }

  private static ConnectorException failure(OpenAiProvider provider) {
    return catchThrowableOfType(ConnectorException.class, () -> ping(provider));
  }

  @Test
  void tunnelsThroughTheProxyItIsGiven() {
    try (ConnectProxy proxy = ConnectProxy.open();
        OpenAiProvider provider = provider(via(proxy).build())) {
      assertThat(ping(provider)).isEqualTo("Echo: ping");
      assertThat(ping(provider)).isEqualTo("Echo: ping");

      // One tunnel, kept for the second call, to the server's host and port.
      assertThat(proxy.connects())
          .singleElement()
          .satisfies(
              connect -> {
                assertThat(connect.target()).isEqualTo("127.0.0.1:" + tls.baseUrl().getPort());
                assertThat(connect.authorization()).isNull();
              });
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void givesTheProxyItsCredentialsAndTheServerNone() {
    try (ConnectProxy proxy = ConnectProxy.requiring(PROXY_USER, PROXY_PASSWORD);
        OpenAiProvider provider =
            provider(via(proxy).proxyCredentials(PROXY_USER, PROXY_PASSWORD).build())) {
      assertThat(ping(provider)).isEqualTo("Echo: ping");

      assertThat(proxy.connects())
          .singleElement()
          .satisfies(
              connect -> assertThat(connect.authorization()).isEqualTo(basic(PROXY_PASSWORD)));
      assertThat(server.requests())
          .singleElement()
          .satisfies(
              request -> {
                assertThat(request.header("Proxy-Authorization")).isEmpty();
                assertThat(request.header("Authorization")).hasValue("Bearer sk-test-network");
              });
    }
  }

  @Test
  void failsAsASettingNotRetriedWhenTheProxyWantsCredentialsItWasNotGiven() {
    try (ConnectProxy proxy = ConnectProxy.requiring(PROXY_USER, PROXY_PASSWORD);
        OpenAiProvider provider = provider(via(proxy).build())) {
      ConnectorException failure = failure(provider);

      assertThat(failure).isInstanceOf(ConfigurationException.class);
      assertThat(failure.isRetriable()).isFalse();
      assertThat(failure.getMessage())
          .contains("could not go through the proxy", "proxy answered HTTP 407", "Network.Builder.proxyCredentials");
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void failsTypedWithoutRevealingThePasswordTheProxyRefused() {
    String wrong = "not-" + PROXY_PASSWORD;
    try (ConnectProxy proxy = ConnectProxy.requiring(PROXY_USER, PROXY_PASSWORD);
        OpenAiProvider provider =
            provider(via(proxy).proxyCredentials(PROXY_USER, wrong).build())) {
      ConnectorException failure = failure(provider);

      assertThat(failure).isInstanceOf(ConfigurationException.class);
      assertThat(failure.getMessage()).contains("proxy answered HTTP 407");
      assertThat(stackTraceOf(failure)).doesNotContain(wrong, basic(wrong));
      assertThat(proxy.connects())
          .extracting(ConnectProxy.Connect::authorization)
          .containsOnly(basic(wrong));
      assertThat(server.requestCount()).isZero();
    }
  }

  @Test
  void keepsTheProxyCredentialsFromAServerReachedDirectlyAndItsErrorsTyped() {
    // A server that answers 401 with a Basic challenge, as a misconfigured gateway might.
    server.enqueue(
        FakeResponse.error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key")
            .header("WWW-Authenticate", "Basic realm=\"api\"")
            .header("x-request-id", "req_401"));
    try (OpenAiProvider provider =
        provider(
            Network.builder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .proxyCredentials(PROXY_USER, PROXY_PASSWORD)
                .sslContext(tls.clientTrust())
                .build())) {
      ConnectorException failure = failure(provider);

      assertThat(failure).isInstanceOf(AuthenticationException.class);
      assertThat(failure.errorCode()).hasValue("invalid_api_key");
      assertThat(failure.requestId()).hasValue("req_401");
      assertThat(server.requests())
          .singleElement()
          .satisfies(request -> assertThat(request.header("Proxy-Authorization")).isEmpty());
    }
  }

  @Test
  void trustsWhatItsTlsContextTrustsAndNotTheJvmsDefault() {
    // The JVM's default trusts the public authorities, not the test certificate.
    try (OpenAiProvider provider = provider(Network.jvmDefaults())) {
      ConnectorException failure = failure(provider);

      assertThat(failure).isInstanceOf(ConnectionException.class);
      assertThat(failure).hasStackTraceContaining("PKIX");
    }
    try (OpenAiProvider provider = provider(tls.network())) {
      assertThat(ping(provider)).isEqualTo("Echo: ping");
    }
  }

  @Test
  void saysWhatIsSetAndNoCredential() {
    Network network =
        Network.builder()
            .proxy(ProxySelector.of(new InetSocketAddress("proxy.example.com", 3128)))
            .proxyCredentials(PROXY_USER, PROXY_PASSWORD)
            .sslContext(tls.clientTrust())
            .build();

    assertThat(network.toString())
        .startsWith("Network[proxy=")
        .contains("proxyCredentials=set", "sslContext=TLS")
        .doesNotContain(PROXY_USER, PROXY_PASSWORD, basic(PROXY_PASSWORD));
    assertThat(Network.jvmDefaults())
        .hasToString("Network[proxy=JVM default, proxyCredentials=none, sslContext=JVM default]");
  }

  @Test
  void refusesWhatItCannotUseNamingTheSettingAndTheFix() throws Exception {
    assertThatThrownBy(() -> Network.builder().sslContext(SSLContext.getInstance("TLS")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sslContext: the context is not initialised; call its init(keyManagers,"
                + " trustManagers, null) first");
    assertThatThrownBy(() -> Network.builder().proxyCredentials("domain:alice", PROXY_PASSWORD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxyCredentials: the user")
        .hasMessageContaining("colon");
    assertThatThrownBy(
            () -> Network.builder().proxyCredentials(PROXY_USER, "pass\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxyCredentials: the password")
        .hasMessageNotContaining("X-Injected");
    assertThatThrownBy(() -> Network.builder().proxyCredentials(PROXY_USER, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }

  private static String basic(String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((PROXY_USER + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String stackTraceOf(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
