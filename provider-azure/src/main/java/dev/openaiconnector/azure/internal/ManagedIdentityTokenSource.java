package dev.openaiconnector.azure.internal;

import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.AccessToken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tokens of an Azure managed identity: from the instance metadata service (virtual machines,
 * AKS node identities, container instances) or from the App Service / Functions identity
 * endpoint ({@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}).
 */
public final class ManagedIdentityTokenSource implements TokenSource {
  /** The instance metadata service's token endpoint. */
  public static final URI IMDS_ENDPOINT =
      URI.create("http://169.254.169.254/metadata/identity/oauth2/token");

  private final URI endpoint;
  private final @Nullable Secret identityHeader;
  private final @Nullable String clientId;
  private final String resource;
  private final TokenHttp http;
  private final Clock clock;

  private ManagedIdentityTokenSource(
      URI endpoint,
      @Nullable Secret identityHeader,
      @Nullable String clientId,
      String resource,
      TokenHttp http,
      Clock clock) {
    this.endpoint = endpoint;
    this.identityHeader = identityHeader;
    this.clientId = clientId;
    this.resource = resource;
    this.http = http;
    this.clock = clock;
  }

  /**
   * The instance metadata service: {@code GET {endpoint}?api-version=2018-02-01&resource=...}
   * with {@code Metadata: true}.
   *
   * @param endpoint the token endpoint, {@link #IMDS_ENDPOINT} outside tests
   * @param clientId a user-assigned identity's client id, or null for the system-assigned one
   * @param resource the resource asked for
   * @param http sends the request
   * @param clock the time of {@code expires_in}
   * @return the source
   */
  public static ManagedIdentityTokenSource imds(
      URI endpoint, @Nullable String clientId, String resource, TokenHttp http, Clock clock) {
    return new ManagedIdentityTokenSource(endpoint, null, clientId, resource, http, clock);
  }

  /**
   * The App Service identity endpoint: {@code GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&
   * resource=...} with {@code X-IDENTITY-HEADER}.
   *
   * @param endpoint {@code IDENTITY_ENDPOINT}
   * @param identityHeader {@code IDENTITY_HEADER}
   * @param clientId a user-assigned identity's client id, or null for the system-assigned one
   * @param resource the resource asked for
   * @param http sends the request
   * @param clock the time of {@code expires_in}
   * @return the source
   */
  public static ManagedIdentityTokenSource appService(
      URI endpoint,
      Secret identityHeader,
      @Nullable String clientId,
      String resource,
      TokenHttp http,
      Clock clock) {
    return new ManagedIdentityTokenSource(
        endpoint, identityHeader, clientId, resource, http, clock);
  }

  @Override
  public AccessToken fetch() {
    boolean appService = identityHeader != null;
    String query =
        "api-version="
            + (appService ? "2019-08-01" : "2018-02-01")
            + "&resource="
            + URLEncoder.encode(resource, StandardCharsets.UTF_8)
            + (clientId == null
                ? ""
                : "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
    String base = endpoint.toString();
    URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + query);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    request.header("Accept", "application/json");
    List<String> sent;
    if (identityHeader != null) {
      request.header("X-IDENTITY-HEADER", identityHeader.reveal());
      sent = List.of(identityHeader.reveal());
    } else {
      request.header("Metadata", "true");
      sent = List.of();
    }
    String server =
        appService ? "the App Service identity endpoint" : "the instance metadata service";
    // Unreachable IMDS usually means a machine outside Azure that fell through to managed
    // identity because nothing else was configured.
    String hint =
        appService
            ? ""
            : "; outside Azure, set AZURE_OPENAI_API_KEY, or AZURE_TENANT_ID and AZURE_CLIENT_ID"
                + " with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or"
                + " AZURE_FEDERATED_TOKEN_FILE";
    HttpResponse<String> response = http.send(request, server, hint);
    return TokenResponses.read(response, server, clock, sent);
  }

  @Override
  public String describe() {
    return (identityHeader != null ? "managed identity (App Service)" : "managed identity (IMDS)")
        + (clientId == null ? ", system-assigned" : ", client " + clientId)
        + ", "
        + endpoint;
  }
}
