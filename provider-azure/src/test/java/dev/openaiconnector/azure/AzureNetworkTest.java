package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The Azure provider and its Entra ID credential reach their servers through the {@link Network}
 * each is given, and a managed identity never through a proxy. A proxy selector that records what
 * it is asked and answers "direct" shows which client consulted it; {@code OpenAiNetworkTest}
 * (provider-openai) covers a real proxy, its credentials and TLS.
 */
class AzureNetworkTest {
  @Test
  void theProviderSendsThroughItsNetwork() {
    RecordingSelector selector = new RecordingSelector();
    try (FakeOpenAiServer server =
            FakeOpenAiServer.builder()
                .azureApiKey("azure-key")
                .azureDeployment("chat-prod", "gpt-4o-mini")
                .start();
        AzureOpenAiProvider provider =
            AzureOpenAiProvider.builder()
                .endpoint(server.azureEndpoint())
                .deployment("gpt-4o-mini", "chat-prod")
                .apiKey("azure-key")
                .network(Network.builder().proxy(selector).build())
                .build()) {
      provider
          .chat()
          .complete(
              ChatRequest.builder().model("gpt-4o-mini").user("hello").build(),
              Deadline.after(Duration.ofSeconds(30)));

      assertThat(selector.asked)
          .singleElement()
          .satisfies(uri -> assertThat(uri.getPort()).isEqualTo(server.port()));
    }
  }

  @Test
  void theCredentialFetchesItsTokensThroughItsNetwork() throws Exception {
    RecordingSelector selector = new RecordingSelector();
    try (TokenHttpServer entra = new TokenHttpServer()) {
      entra.answer(200, TokenHttpServer.token("entra-token", 3600));
      EntraCredential credential =
          EntraCredential.clientSecret("tenant-1", "client-1", Secret.of("client-secret"))
              .authorityHost(entra.uri("/"))
              .network(Network.builder().proxy(selector).build());

      assertThat(credential.token().token().reveal()).isEqualTo("entra-token");
      assertThat(selector.asked)
          .singleElement()
          .satisfies(uri -> assertThat(uri.getPath()).isEqualTo("/tenant-1/oauth2/v2.0/token"));
    }
  }

  @Test
  void aProxyThatWantsCredentialsFailsTheFetchAsASettingAndSaysWhatToDo() throws Exception {
    // A proxy that answers every CONNECT with 407: the token server behind it is never reached.
    try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> answer407(proxy), "test-proxy-407");
      answering.setDaemon(true);
      answering.start();
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.getLocalPort());
      EntraCredential credential =
          EntraCredential.clientSecret("tenant-1", "client-1", Secret.of("client-secret"))
              .authorityHost(URI.create("https://login.example.invalid/"))
              .network(Network.builder().proxy(ProxySelector.of(address)).build());

      assertThatThrownBy(credential::token)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("the proxy answered HTTP 407")
          .hasMessageContaining("Network.Builder.proxyCredentials")
          .hasMessageNotContaining("client-secret");
    }
  }

  private static void answer407(ServerSocket proxy) {
    while (!proxy.isClosed()) {
      try (Socket client = proxy.accept()) {
        BufferedReader request =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        for (String line = request.readLine(); line != null && !line.isEmpty(); ) {
          line = request.readLine();
        }
        client
            .getOutputStream()
            .write(
                ("HTTP/1.1 407 Proxy Authentication Required\r\n"
                        + "Proxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
      } catch (IOException e) {
        return; // closed by the test
      }
    }
  }

  @Test
  void aManagedIdentityTakesNoNetworkAndSaysWhy() {
    assertThatThrownBy(() -> EntraCredential.managedIdentity(null).network(Network.jvmDefaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "network applies to client secret, certificate and workload identity credentials,"
                + " not to a managed identity");
  }

  @Test
  void aManagedIdentityIsAskedDirectlyWhateverTheJvmsProxy() throws Exception {
    RecordingSelector selector = new RecordingSelector();
    ProxySelector jvmDefault = ProxySelector.getDefault();
    try (TokenHttpServer imds = new TokenHttpServer()) {
      imds.answer(200, TokenHttpServer.token("imds-token", 3600));
      // The JVM's proxy, as -Dhttp.proxyHost would set it; the JDK client reads it when built,
      // which the credential does at its first fetch.
      ProxySelector.setDefault(selector);
      EntraCredential credential =
          EntraCredential.managedIdentity(null)
              .managedIdentityEndpoint(imds.uri("/metadata/identity/oauth2/token"));

      assertThat(credential.token().token().reveal()).isEqualTo("imds-token");
      assertThat(selector.asked).isEmpty();
    } finally {
      ProxySelector.setDefault(jvmDefault);
    }
  }

  /** Records the URIs it is asked about and sends each directly. */
  private static final class RecordingSelector extends ProxySelector {
    final List<URI> asked = new CopyOnWriteArrayList<>();

    @Override
    public List<Proxy> select(URI uri) {
      asked.add(uri);
      return List.of(Proxy.NO_PROXY);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {}
  }
}
