package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.internal.TokenCache;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ManagedIdentityAndSupplierTest {
  private final TokenHttpServer server;

  ManagedIdentityAndSupplierTest() throws Exception {
    server = new TokenHttpServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void imdsIsAskedWithMetadataHeaderAndResource() {
    // IMDS writes its numbers as strings.
    server.answer(
        200,
        "{\"access_token\":\"imds-token\",\"expires_in\":\"86399\",\"expires_on\":\"1\","
            + "\"resource\":\"https://cognitiveservices.azure.com\",\"token_type\":\"Bearer\"}");
    EntraCredential credential =
        EntraCredential.managedIdentity(null)
            .managedIdentityEndpoint(server.uri("/metadata/identity/oauth2/token"));

    AccessToken token = credential.token();

    assertThat(token.token().reveal()).isEqualTo("imds-token");
    assertThat(token.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));
    TokenHttpServer.Recorded request = server.requests.get(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.uri().getPath()).isEqualTo("/metadata/identity/oauth2/token");
    assertThat(request.uri().getQuery())
        .isEqualTo("api-version=2018-02-01&resource=https://cognitiveservices.azure.com");
    assertThat(request.header("Metadata")).isEqualTo("true");
  }

  @Test
  void imdsNamesAUserAssignedIdentity() {
    server.answer(200, TokenHttpServer.token("t", 3600));
    EntraCredential.managedIdentity("user-assigned-client")
        .managedIdentityEndpoint(server.uri("/metadata/identity/oauth2/token"))
        .token();

    assertThat(server.requests.get(0).uri().getQuery()).endsWith("&client_id=user-assigned-client");
  }

  @Test
  void appServiceIsAskedWithTheIdentityHeader() {
    long expiresOn = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    server.answer(
        200,
        "{\"access_token\":\"app-service-token\",\"expires_on\":\""
            + expiresOn
            + "\",\"resource\":\"https://cognitiveservices.azure.com\",\"token_type\":\"Bearer\"}");
    EntraCredential credential =
        EntraCredential.appServiceManagedIdentity(
            server.uri("/msi/token"), Secret.of("identity-header-value"), null);

    AccessToken token = credential.token();

    assertThat(token.token().reveal()).isEqualTo("app-service-token");
    assertThat(token.expiresAt()).isEqualTo(Instant.ofEpochSecond(expiresOn));
    TokenHttpServer.Recorded request = server.requests.get(0);
    assertThat(request.uri().getPath()).isEqualTo("/msi/token");
    assertThat(request.uri().getQuery())
        .isEqualTo("api-version=2019-08-01&resource=https://cognitiveservices.azure.com");
    assertThat(request.header("X-IDENTITY-HEADER")).isEqualTo("identity-header-value");
    assertThat(request.header("Metadata")).isNull();
  }

  @Test
  void imdsWithoutAnIdentityIsAnAuthenticationFailure() {
    server.answer(
        400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}");
    EntraCredential credential =
        EntraCredential.managedIdentity(null)
            .managedIdentityEndpoint(server.uri("/metadata/identity/oauth2/token"));

    assertThatThrownBy(credential::token)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("instance metadata service")
        .hasMessageContaining("Identity not found");
  }

  @Test
  void unreachableImdsSaysWhatToSetOutsideAzure() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    EntraCredential credential =
        EntraCredential.managedIdentity(null)
            .managedIdentityEndpoint(URI.create("http://127.0.0.1:" + port + "/metadata"));

    assertThatThrownBy(credential::token)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("instance metadata service")
        .hasMessageContaining("outside Azure, set AZURE_OPENAI_API_KEY");
  }

  @Test
  void fiftyConcurrentCallersShareOneTokenRequest() throws Exception {
    server.answer(200, TokenHttpServer.token("shared-token", 3600));
    EntraCredential credential =
        EntraCredential.clientSecret("tenant-1", "client-1", Secret.of("secret"))
            .authorityHost(server.uri("/"));
    int callers = 50;
    CyclicBarrier start = new CyclicBarrier(callers);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> tokens = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        tokens.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  return credential.token().token().reveal();
                }));
      }
      for (Future<String> token : tokens) {
        assertThat(token.get(30, TimeUnit.SECONDS)).isEqualTo("shared-token");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void tokenSupplierIsCalledOnlyWhenTheCacheNeedsAToken() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtomicInteger calls = new AtomicInteger();
    EntraCredential credential =
        EntraCredential.tokenSupplier(
                () ->
                    AccessToken.of(
                        "supplied-" + calls.incrementAndGet(),
                        clock.instant().plus(Duration.ofHours(1))))
            .clock(clock);

    assertThat(credential.token().token().reveal()).isEqualTo("supplied-1");
    assertThat(credential.token().token().reveal()).isEqualTo("supplied-1");
    clock.advance(Duration.ofMinutes(55));
    assertThat(credential.token().token().reveal()).isEqualTo("supplied-2");
    assertThat(calls).hasValue(2);
  }

  @Test
  void failingTokenSupplierIsReportedWithoutItsMessage() {
    EntraCredential credential =
        EntraCredential.tokenSupplier(
            () -> {
              throw new IllegalStateException("vault said: password=hunter2");
            });

    assertThatThrownBy(credential::token)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("java.lang.IllegalStateException")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aConnectorExceptionFromTheSupplierIsWrappedAndItsMessageNeverLogged() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    AtomicInteger calls = new AtomicInteger();
    EntraCredential credential =
        EntraCredential.tokenSupplier(
                () -> {
                  if (calls.incrementAndGet() == 1) {
                    return AccessToken.of("t1", clock.instant().plus(Duration.ofHours(1)));
                  }
                  throw new ConnectionException(
                      "vault said: password=canary-secret", ErrorDetails.ofProvider("azure"), null);
                })
            .clock(clock);
    credential.token();
    clock.advance(Duration.ofMinutes(56));
    Logger logger = (Logger) LoggerFactory.getLogger(TokenCache.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      assertThat(credential.token().token().reveal()).isEqualTo("t1");
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list)
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.getFormattedMessage())
                    .contains(ConnectionException.class.getName())
                    .doesNotContain("canary-secret"));

    clock.advance(Duration.ofMinutes(4));
    assertThatThrownBy(credential::token)
        .isInstanceOf(ConnectionException.class) // still retriable
        .hasMessageContaining(ConnectionException.class.getName())
        .hasRootCauseMessage("vault said: password=canary-secret (provider azure)")
        .message()
        .doesNotContain("canary-secret");
  }

  @Test
  void aRefreshInPastTheExpiryIsIgnored() {
    server.answer(
        200,
        "{\"access_token\":\"imds-token\",\"expires_in\":\"3600\",\"refresh_in\":\"7200\","
            + "\"token_type\":\"Bearer\"}");
    EntraCredential credential =
        EntraCredential.managedIdentity(null)
            .managedIdentityEndpoint(server.uri("/metadata/identity/oauth2/token"));

    AccessToken token = credential.token();

    assertThat(token.token().reveal()).isEqualTo("imds-token");
    assertThat(token.refreshAt()).isNull();
  }
}
