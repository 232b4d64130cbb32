package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenErrorsTest {
  private static final String SECRET = "canary-client-secret-7f3a";
  private final TokenHttpServer server;

  @TempDir Path directory;

  TokenErrorsTest() throws Exception {
    server = new TokenHttpServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private EntraCredential clientSecret() {
    return EntraCredential.clientSecret("tenant-1", "client-1", Secret.of(SECRET))
        .authorityHost(server.uri("/"));
  }

  @Test
  void invalidClientIsAnAuthenticationFailureWithTheAadstsCode() {
    server.answer(
        401,
        "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client"
            + " secret provided. Ensure the secret being sent is the client secret value, not the"
            + " id, '"
            + SECRET
            + "'.\\r\\nTrace ID: abc\\r\\nCorrelation ID: def\",\"error_codes\":[7000215],"
            + "\"trace_id\":\"trace-123\",\"correlation_id\":\"def\"}");

    assertThatThrownBy(clientSecret()::token)
        .isInstanceOfSatisfying(
            AuthenticationException.class,
            e -> {
              assertThat(e.status()).hasValue(401);
              assertThat(e.errorType()).hasValue("invalid_client");
              assertThat(e.errorCode()).hasValue("AADSTS7000215");
              assertThat(e.requestId()).hasValue("trace-123");
              assertThat(e.providerId()).hasValue("azure");
            })
        .hasMessageContaining("AADSTS7000215: Invalid client secret provided")
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining("Correlation ID");
  }

  @Test
  void serverErrorIsRetriable() {
    server.answer(503, "{\"error\":\"temporarily_unavailable\"}");

    assertThatThrownBy(clientSecret()::token)
        .isInstanceOf(ConnectionException.class)
        .satisfies(e -> assertThat(((ConnectorException) e).isRetriable()).isTrue())
        .hasMessageContaining("temporarily_unavailable");
  }

  @Test
  void answerWithoutATokenIsUnexpected() {
    server.answer(200, "<html>proxy login</html>");

    assertThatThrownBy(clientSecret()::token)
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("without an access_token");
  }

  @Test
  void unreachableTokenServerIsAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    EntraCredential credential =
        EntraCredential.clientSecret("tenant-1", "client-1", Secret.of(SECRET))
            .authorityHost(URI.create("http://127.0.0.1:" + port + "/"));

    assertThatThrownBy(credential::token)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("could not reach Microsoft Entra ID")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void missingFederatedTokenFileIsAnAuthenticationFailure() {
    Path missing = directory.resolve("no-such-token");
    EntraCredential credential =
        EntraCredential.workloadIdentity("tenant-1", "client-1", missing)
            .authorityHost(server.uri("/"));

    assertThatThrownBy(credential::token)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining(missing.toString());
    assertThat(server.requests).isEmpty();
  }

  @Test
  void wrongPkcs12PasswordIsAConfigurationErrorWithoutThePassword() throws Exception {
    Path p12 = TestCertificates.create().writePkcs12(directory, "right-password");

    assertThatThrownBy(
            () ->
                EntraCredential.clientCertificate(
                    "tenant-1", "client-1", p12, Secret.of("wrong-password-canary")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(p12.toString())
        .hasMessageNotContaining("wrong-password-canary");
  }

  @Test
  void pkcs1KeyIsRefusedWithAConversionHint() throws Exception {
    Path pem = directory.resolve("pkcs1.pem");
    Files.writeString(pem, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> EntraCredential.clientCertificate("tenant-1", "client-1", pem, null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void keyOfAnotherCertificateIsRefused() throws Exception {
    TestCertificates one = TestCertificates.create();
    TestCertificates other = TestCertificates.create();
    String mixed =
        Files.readString(one.writePem(Files.createDirectory(directory.resolve("one"))))
                .split("-----BEGIN CERTIFICATE-----")[0]
            + "-----BEGIN CERTIFICATE-----"
            + Files.readString(other.writePem(Files.createDirectory(directory.resolve("other"))))
                .split("-----BEGIN CERTIFICATE-----")[1];
    Path pem = directory.resolve("mixed.pem");
    Files.writeString(pem, mixed);

    assertThatThrownBy(() -> EntraCredential.clientCertificate("tenant-1", "client-1", pem, null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not belong to its certificate");
  }

  @Test
  void malformedTenantIsRefused() {
    assertThatThrownBy(
            () -> EntraCredential.clientSecret("../evil", "client-1", Secret.of(SECRET)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tenantId");
  }

  @Test
  void authorityHostMustBeHttps() {
    assertThatThrownBy(
            () ->
                EntraCredential.clientSecret("tenant-1", "client-1", Secret.of(SECRET))
                    .authorityHost(URI.create("http://login.example.com/")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("https");
  }
}
