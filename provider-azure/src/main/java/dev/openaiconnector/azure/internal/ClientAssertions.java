package dev.openaiconnector.azure.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * Signs the client assertions of certificate credentials: a short-lived JWT with {@code aud} the
 * token endpoint, {@code iss} and {@code sub} the client id, a unique {@code jti}, and the
 * certificate's SHA-256 thumbprint in {@code x5t#S256}, signed with Nimbus JOSE+JWT.
 */
public final class ClientAssertions implements ClientCredentialsTokenSource.ClientProof {
  /** How long an assertion is valid: long enough for one token request, short if it leaks. */
  static final Duration LIFETIME = Duration.ofMinutes(10);

  private final String clientId;
  private final JWSAlgorithm algorithm;
  private final RSASSASigner signer;
  private final Base64URL thumbprint;
  private final Clock clock;

  /**
   * Creates the signer.
   *
   * @param clientId the client id, issuer and subject of the assertion
   * @param certificate the certificate and its key
   * @param pss true for PS256, false for RS256
   * @param clock the time of {@code iat}, {@code nbf} and {@code exp}
   */
  public ClientAssertions(String clientId, ClientCertificate certificate, boolean pss, Clock clock) {
    this.clientId = clientId;
    this.algorithm = pss ? JWSAlgorithm.PS256 : JWSAlgorithm.RS256;
    this.signer = new RSASSASigner(certificate.privateKey());
    this.thumbprint = Base64URL.encode(certificate.sha256Thumbprint());
    this.clock = clock;
  }

  @Override
  public Map<String, String> fields(URI tokenEndpoint) {
    return Map.of(
        "client_assertion_type", ClientCredentialsTokenSource.JWT_BEARER,
        "client_assertion", sign(tokenEndpoint));
  }

  /**
   * Signs a new assertion.
   *
   * @param audience the token endpoint
   * @return the compact JWT
   */
  public String sign(URI audience) {
    Instant now = clock.instant();
    JWSHeader header =
        new JWSHeader.Builder(algorithm)
            .type(JOSEObjectType.JWT)
            .x509CertSHA256Thumbprint(thumbprint)
            .build();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .audience(audience.toString())
            .issuer(clientId)
            .subject(clientId)
            .jwtID(UUID.randomUUID().toString())
            .notBeforeTime(Date.from(now))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign the client assertion: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
