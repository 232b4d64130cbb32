package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.openaiconnector.api.Secret;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client credential flows against a real OAuth2 server. It issues tokens without checking
 * secrets or signatures, so these tests check the recorded token requests themselves.
 */
class EntraCredentialTest {
  private static final String TENANT = "tenant-1";
  private static final String CLIENT = "11111111-2222-3333-4444-555555555555";
  private static TestCertificates certificates;

  private final MockOAuth2Server server = new MockOAuth2Server();
  private final MutableClock clock = new MutableClock(Instant.now());
  private URI authority;

  @TempDir Path directory;

  @BeforeAll
  static void certificate() {
    certificates = TestCertificates.create();
  }

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    authority = URI.create(server.baseUrl().toString());
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  private RecordedRequest tokenRequest() throws InterruptedException {
    RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(request).as("a token request").isNotNull();
    return request;
  }

  private static Map<String, String> form(RecordedRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : request.getBody().readUtf8().split("&")) {
      int equals = pair.indexOf('=');
      form.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return form;
  }

  private URI tokenEndpoint() {
    return URI.create(authority + TENANT + "/oauth2/v2.0/token");
  }

  @Test
  void clientSecretPostsTheClientCredentialsGrant() throws Exception {
    EntraCredential credential =
        EntraCredential.clientSecret(TENANT, CLIENT, Secret.of("s3cr3t-value"))
            .authorityHost(authority);

    AccessToken token = credential.token();

    assertThat(token.token().reveal()).isNotBlank();
    assertThat(token.expiresAt()).isAfter(Instant.now());
    RecordedRequest request = tokenRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
    assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(form(request))
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", CLIENT)
        .containsEntry("client_secret", "s3cr3t-value")
        .containsEntry("scope", "https://cognitiveservices.azure.com/.default")
        .doesNotContainKey("client_assertion");
  }

  @Test
  void certificateFromPemSignsAnRs256Assertion() throws Exception {
    EntraCredential credential =
        EntraCredential.clientCertificate(TENANT, CLIENT, certificates.writePem(directory), null)
            .authorityHost(authority)
            .clock(clock);

    credential.token();

    SignedJWT assertion = checkedAssertion(form(tokenRequest()), JWSAlgorithm.RS256);
    assertThat(assertion.getJWTClaimsSet().getJWTID()).isNotBlank();
  }

  @Test
  void certificateFromEncryptedPemAsOpenSslWritesItIsReadWithItsPassword() throws Exception {
    Path fixture = Path.of(getClass().getResource("/fixtures/azure/client-encrypted.pem").toURI());
    EntraCredential credential =
        EntraCredential.clientCertificate(TENANT, CLIENT, fixture, Secret.of("fixture-password"))
            .authorityHost(authority)
            .clock(clock);

    credential.token();

    SignedJWT jwt = SignedJWT.parse(form(tokenRequest()).get("client_assertion"));
    String pem = Files.readString(fixture);
    String certificatePem = pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----"));
    X509Certificate certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) certificate.getPublicKey()))).isTrue();
    assertThat(jwt.getHeader().getX509CertSHA256Thumbprint())
        .isEqualTo(
            Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
  }

  @Test
  void certificateFromPkcs12SignsAPs256AssertionWithAFreshJtiEachTime() throws Exception {
    EntraCredential credential =
        EntraCredential.clientCertificate(
                TENANT,
                CLIENT,
                certificates.writePkcs12(directory, "p12-password"),
                Secret.of("p12-password"))
            .signatureAlgorithm(EntraCredential.SignatureAlgorithm.PS256)
            .authorityHost(authority)
            .clock(clock);

    credential.token();
    SignedJWT first = checkedAssertion(form(tokenRequest()), JWSAlgorithm.PS256);
    clock.advance(Duration.ofHours(2)); // the first token has expired: a second request
    credential.token();
    SignedJWT second = checkedAssertion(form(tokenRequest()), JWSAlgorithm.PS256);

    assertThat(second.getJWTClaimsSet().getJWTID())
        .isNotEqualTo(first.getJWTClaimsSet().getJWTID());
  }

  private SignedJWT checkedAssertion(Map<String, String> form, JWSAlgorithm algorithm)
      throws Exception {
    assertThat(form)
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", CLIENT)
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .doesNotContainKey("client_secret");
    SignedJWT jwt = SignedJWT.parse(form.get("client_assertion"));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(algorithm);
    assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) certificates.keys.getPublic())))
        .as("signature checks against the certificate's public key")
        .isTrue();
    byte[] thumbprint =
        MessageDigest.getInstance("SHA-256").digest(certificates.certificate.getEncoded());
    assertThat(jwt.getHeader().getX509CertSHA256Thumbprint())
        .isEqualTo(Base64URL.encode(thumbprint));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getAudience()).containsExactly(tokenEndpoint().toString());
    assertThat(claims.getIssuer()).isEqualTo(CLIENT);
    assertThat(claims.getSubject()).isEqualTo(CLIENT);
    Instant issued = claims.getIssueTime().toInstant();
    assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(issued);
    assertThat(issued).isBetween(clock.instant().minusSeconds(1), clock.instant());
    assertThat(Duration.between(issued, claims.getExpirationTime().toInstant()))
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofMinutes(10));
    return jwt;
  }

  private static String serviceAccountToken(String id) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.RS256),
            new JWTClaimsSet.Builder()
                .issuer("https://kubernetes.default.svc")
                .subject(CLIENT)
                .audience("api://AzureADTokenExchange")
                .jwtID(id)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .build());
    jwt.sign(new RSASSASigner(certificates.keys.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void workloadIdentityReadsTheFederatedTokenFileAgainForEachRequest() throws Exception {
    Path file = directory.resolve("azure-identity-token");
    // Kubernetes projects a service account JWT; the server parses it as an assertion.
    String one = serviceAccountToken("one");
    String two = serviceAccountToken("two");
    Files.writeString(file, one + "\n");
    EntraCredential credential =
        EntraCredential.workloadIdentity(TENANT, CLIENT, file).authorityHost(authority).clock(clock);

    credential.token();
    Files.writeString(file, two);
    clock.advance(Duration.ofHours(2));
    credential.token();

    Map<String, String> first = form(tokenRequest());
    assertThat(first)
        .containsEntry("client_id", CLIENT)
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .containsEntry("client_assertion", one)
        .containsEntry("scope", "https://cognitiveservices.azure.com/.default");
    assertThat(form(tokenRequest())).containsEntry("client_assertion", two);
  }
}
