package dev.openaiconnector.azure.internal;

import dev.openaiconnector.azure.AccessToken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The OAuth 2.0 client credentials grant against Microsoft Entra ID: {@code POST
 * {authority}/{tenant}/oauth2/v2.0/token}, form-encoded, with the client's proof of identity (a
 * secret, a signed assertion, or a federated token).
 */
public final class ClientCredentialsTokenSource implements TokenSource {
  /** The {@code client_assertion_type} of a JWT assertion. */
  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private static final String SERVER = "Microsoft Entra ID";

  /** What the client sends to prove who it is; called once per token request. */
  @FunctionalInterface
  public interface ClientProof {
    /**
     * Returns the form fields that prove the client's identity.
     *
     * @param tokenEndpoint the token endpoint, the audience of an assertion
     * @return the fields, for example {@code client_secret}
     */
    Map<String, String> fields(URI tokenEndpoint);
  }

  private final URI tokenEndpoint;
  private final String tenantId;
  private final String clientId;
  private final String scope;
  private final String kind;
  private final ClientProof proof;
  private final TokenHttp http;
  private final Clock clock;

  /**
   * Creates the source.
   *
   * @param authorityHost the authority, for example {@code https://login.microsoftonline.com/}
   * @param tenantId the directory (tenant) id or domain
   * @param clientId the application (client) id
   * @param scope the scope asked for
   * @param kind names the proof in descriptions, for example {@code client secret}
   * @param proof the client's proof of identity
   * @param http sends the request
   * @param clock the time of {@code expires_in}
   */
  public ClientCredentialsTokenSource(
      URI authorityHost,
      String tenantId,
      String clientId,
      String scope,
      String kind,
      ClientProof proof,
      TokenHttp http,
      Clock clock) {
    this.tokenEndpoint = tokenEndpoint(authorityHost, tenantId);
    this.tenantId = tenantId;
    this.clientId = clientId;
    this.scope = scope;
    this.kind = kind;
    this.proof = Objects.requireNonNull(proof, "proof");
    this.http = http;
    this.clock = clock;
  }

  /**
   * Returns the token endpoint of a tenant.
   *
   * @param authorityHost the authority, with or without a trailing slash
   * @param tenantId the tenant
   * @return {@code {authority}/{tenant}/oauth2/v2.0/token}
   */
  public static URI tokenEndpoint(URI authorityHost, String tenantId) {
    String base = authorityHost.toString();
    return URI.create(
        (base.endsWith("/") ? base : base + "/") + tenantId + "/oauth2/v2.0/token");
  }

  @Override
  public AccessToken fetch() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("client_id", clientId);
    form.put("scope", scope);
    Map<String, String> secrets = proof.fields(tokenEndpoint);
    form.putAll(secrets);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(tokenEndpoint)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    // The tenant and client in every message: the first thing to check when Entra ID refuses.
    String server = SERVER + " (tenant " + tenantId + ", client " + clientId + ")";
    return TokenResponses.read(http.send(request, server), server, clock, secretValues(secrets));
  }

  private static List<String> secretValues(Map<String, String> fields) {
    List<String> values = new ArrayList<>();
    fields.forEach(
        (name, value) -> {
          if (!name.equals("client_assertion_type")) {
            values.add(value);
          }
        });
    return values;
  }

  private static String encode(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach(
        (name, value) -> {
          if (body.length() > 0) {
            body.append('&');
          }
          body.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
    return body.toString();
  }

  /**
   * Returns the token endpoint this source posts to.
   *
   * @return the endpoint
   */
  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  @Override
  public String describe() {
    return kind + ", tenant " + tenantId + ", client " + clientId + ", " + tokenEndpoint;
  }
}
