package dev.openaiconnector.azure;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.internal.ClientAssertions;
import dev.openaiconnector.azure.internal.ClientCertificate;
import dev.openaiconnector.azure.internal.ClientCredentialsTokenSource;
import dev.openaiconnector.azure.internal.EntraAuthentication;
import dev.openaiconnector.azure.internal.ManagedIdentityTokenSource;
import dev.openaiconnector.azure.internal.TokenCache;
import dev.openaiconnector.azure.internal.TokenHttp;
import dev.openaiconnector.azure.internal.TokenSource;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.Network;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where the Azure OpenAI provider gets its Microsoft Entra ID access tokens: a client secret, a
 * client certificate, a workload identity's federated token, a managed identity, or a supplier of
 * the application's own. Tokens are for the scope {@value #SCOPE}.
 *
 * <pre>{@code
 * EntraCredential credential = EntraCredential.clientSecret(
 *     tenantId, clientId, Secret.of(System.getenv("AZURE_CLIENT_SECRET")));
 * Provider azure = AzureOpenAiProvider.builder()
 *     .endpoint(URI.create("https://my-resource.openai.azure.com"))
 *     .credential(credential)
 *     .build();
 * }</pre>
 *
 * <p>A credential caches its token and refreshes it {@linkplain #refreshMargin(Duration) a margin}
 * before it expires, or when the token server's {@code refresh_in} says; while one caller
 * fetches a token, the others keep using the one still valid, or wait for it when there is none.
 * A refresh that fails while the current token is still valid keeps that token (logged at WARN)
 * and is tried again 30 seconds later.
 *
 * <p>Tokens are fetched on a daemon thread of the credential's own, named {@code
 * azure-token-fetch}, which ends when idle. A provider's call waits for a token no longer than its
 * deadline and fails with a {@link dev.openaiconnector.api.RequestTimeoutException} when the
 * deadline passes first; the token request goes on, and the calls that follow get its token.
 *
 * <p>Immutable and thread-safe: the methods that configure a credential return a new one (with its
 * own empty cache), so configure it before handing it to providers; providers given the same
 * instance share its token. No secret, password, assertion or token appears in its {@code
 * toString()} or in an exception message.
 */
public final class EntraCredential {
  /** The scope of Azure OpenAI tokens. */
  public static final String SCOPE = "https://cognitiveservices.azure.com/.default";

  /** The resource of Azure OpenAI tokens, as managed identity endpoints want it. */
  public static final String RESOURCE = "https://cognitiveservices.azure.com";

  /** Microsoft Entra ID in the Azure public cloud. */
  public static final URI DEFAULT_AUTHORITY_HOST = URI.create("https://login.microsoftonline.com/");

  /** The algorithm that signs client assertions. */
  public enum SignatureAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256, accepted everywhere. */
    RS256,
    /** RSASSA-PSS with SHA-256, the one Microsoft recommends. */
    PS256
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration IMDS_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  // A managed identity's endpoint is on the host itself (the metadata service's link-local
  // address, App Service's loopback one), and the metadata service refuses proxied requests: never
  // through a proxy, whatever the JVM's settings.
  private static final Network IDENTITY_ENDPOINT_NETWORK =
      Network.builder().proxy(HttpClient.Builder.NO_PROXY).build();
  // Longer than one token request can take (connect plus answer), so that a caller without a
  // deadline (or with a longer one) gives up only on a fetch that truly hangs, such as a token
  // supplier that never returns.
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private enum Kind {
    CLIENT_SECRET("client secret"),
    CLIENT_CERTIFICATE("client certificate"),
    WORKLOAD_IDENTITY("workload identity"),
    MANAGED_IDENTITY("managed identity"),
    TOKEN_SUPPLIER("token supplier");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** The parts of a credential; copied, never shared, between credentials. */
  private static final class Parts implements Cloneable {
    Kind kind = Kind.TOKEN_SUPPLIER;
    @Nullable String tenantId;
    @Nullable String clientId;
    @Nullable Secret clientSecret;
    @Nullable ClientCertificate certificate;
    @Nullable Path file;
    URI authorityHost = DEFAULT_AUTHORITY_HOST;
    SignatureAlgorithm algorithm = SignatureAlgorithm.RS256;
    URI identityEndpoint = ManagedIdentityTokenSource.IMDS_ENDPOINT;
    @Nullable Secret identityHeader;
    @Nullable Supplier<AccessToken> supplier;
    Duration refreshMargin = TokenCache.DEFAULT_REFRESH_MARGIN;
    Clock clock = Clock.systemUTC();
    Network network = Network.jvmDefaults();

    Parts copy() {
      try {
        return (Parts) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Parts parts;
  private final TokenCache tokens;

  private EntraCredential(Parts parts) {
    this.parts = parts;
    this.tokens = new TokenCache(source(parts), parts.clock, parts.refreshMargin, MAX_WAIT);
  }

  private static TokenSource source(Parts parts) {
    TokenHttp http = new TokenHttp(CONNECT_TIMEOUT, REQUEST_TIMEOUT, parts.network);
    String tenantId = parts.tenantId;
    String clientId = parts.clientId;
    switch (parts.kind) {
      case CLIENT_SECRET:
        Secret secret = Objects.requireNonNull(parts.clientSecret);
        return clientCredentials(
            parts, http, uri -> Map.of("client_secret", secret.reveal()));
      case CLIENT_CERTIFICATE:
        ClientAssertions assertions =
            new ClientAssertions(
                Objects.requireNonNull(clientId),
                Objects.requireNonNull(parts.certificate),
                parts.algorithm == SignatureAlgorithm.PS256,
                parts.clock);
        return clientCredentials(parts, http, assertions);
      case WORKLOAD_IDENTITY:
        Path file = Objects.requireNonNull(parts.file);
        return clientCredentials(
            parts,
            http,
            uri ->
                Map.of(
                    "client_assertion_type",
                    ClientCredentialsTokenSource.JWT_BEARER,
                    "client_assertion",
                    federatedToken(file)));
      case MANAGED_IDENTITY:
        Secret header = parts.identityHeader;
        // Off Azure nothing answers at the link-local address: fail fast rather than after the
        // full connect timeout, as Azure's SDKs do.
        return header == null
            ? ManagedIdentityTokenSource.imds(
                parts.identityEndpoint,
                clientId,
                RESOURCE,
                new TokenHttp(IMDS_CONNECT_TIMEOUT, REQUEST_TIMEOUT, IDENTITY_ENDPOINT_NETWORK),
                parts.clock)
            : ManagedIdentityTokenSource.appService(
                parts.identityEndpoint,
                header,
                clientId,
                RESOURCE,
                new TokenHttp(CONNECT_TIMEOUT, REQUEST_TIMEOUT, IDENTITY_ENDPOINT_NETWORK),
                parts.clock);
      default:
        Supplier<AccessToken> supplier = Objects.requireNonNull(parts.supplier);
        return new TokenSource() {
          @Override
          public AccessToken fetch() {
            return supplied(supplier);
          }

          @Override
          public String describe() {
            return "token supplier";
          }
        };
    }
  }

  private static ClientCredentialsTokenSource clientCredentials(
      Parts parts, TokenHttp http, ClientCredentialsTokenSource.ClientProof proof) {
    return new ClientCredentialsTokenSource(
        parts.authorityHost,
        Objects.requireNonNull(parts.tenantId),
        Objects.requireNonNull(parts.clientId),
        SCOPE,
        parts.kind.label,
        proof,
        http,
        parts.clock);
  }

  // Read again for every token request: Kubernetes rotates the projected token file.
  private static String federatedToken(Path file) {
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new AuthenticationException(
            "the federated token file " + file + " is empty",
            ErrorDetails.ofProvider(AzureOpenAiProvider.ID),
            null);
      }
      return token;
    } catch (IOException e) {
      throw new AuthenticationException(
          "cannot read the federated token file " + file + ": " + e,
          ErrorDetails.ofProvider(AzureOpenAiProvider.ID),
          e);
    }
  }

  private static AccessToken supplied(Supplier<AccessToken> supplier) {
    AccessToken token;
    try {
      token = supplier.get();
    } catch (ConnectorException e) {
      // Even a ConnectorException from the supplier carries the application's message, which is
      // logged when a refresh fails: it keeps its retriability and details, not its message.
      String message = "the token supplier failed with " + e.getClass().getName();
      if (e.isRetriable()) {
        throw new ConnectionException(message, e.details(), e);
      }
      throw new AuthenticationException(message, e.details(), e);
    } catch (RuntimeException e) {
      // The supplier's message is the application's, not known to be free of secrets: only its
      // type is quoted; the cause keeps the rest.
      throw new AuthenticationException(
          "the token supplier failed with " + e.getClass().getName(),
          ErrorDetails.ofProvider(AzureOpenAiProvider.ID),
          e);
    }
    if (token == null) {
      throw new AuthenticationException(
          "the token supplier returned null", ErrorDetails.ofProvider(AzureOpenAiProvider.ID), null);
    }
    return token;
  }

  /**
   * Client credentials with a client secret.
   *
   * @param tenantId the directory (tenant) id, or its domain
   * @param clientId the application (client) id
   * @param clientSecret the client secret
   * @return the credential
   * @throws ConfigurationException if the tenant or client id is blank or malformed
   */
  public static EntraCredential clientSecret(
      String tenantId, String clientId, Secret clientSecret) {
    Objects.requireNonNull(clientSecret, "clientSecret");
    return new EntraCredential(
        client(Kind.CLIENT_SECRET, tenantId, clientId, parts -> parts.clientSecret = clientSecret));
  }

  /**
   * Client credentials with a certificate: each token request carries a client assertion signed
   * with the certificate's key (RS256 unless {@link #signatureAlgorithm} says otherwise). The file
   * is read now, with the JDK alone: PEM with a PKCS#8 private key ({@code BEGIN PRIVATE KEY}, or
   * {@code BEGIN ENCRYPTED PRIVATE KEY} with a password) and the certificate, or PKCS#12.
   *
   * @param tenantId the directory (tenant) id, or its domain
   * @param clientId the application (client) id
   * @param certificate the PEM or PKCS#12 file
   * @param password the PKCS#12 or encrypted key's password, or null for none
   * @return the credential
   * @throws ConfigurationException if an id is malformed or the file cannot be read; the message
   *     never holds the password
   */
  public static EntraCredential clientCertificate(
      String tenantId, String clientId, Path certificate, @Nullable Secret password) {
    Objects.requireNonNull(certificate, "certificate");
    ClientCertificate loaded = ClientCertificate.load(certificate, password);
    return new EntraCredential(
        client(
            Kind.CLIENT_CERTIFICATE,
            tenantId,
            clientId,
            parts -> {
              parts.certificate = loaded;
              parts.file = certificate;
            }));
  }

  /**
   * Workload identity federation, as on Kubernetes: the federated token file's content is the
   * client assertion, read again for each token request because it rotates.
   *
   * @param tenantId the directory (tenant) id ({@code AZURE_TENANT_ID})
   * @param clientId the application or user-assigned identity's client id ({@code
   *     AZURE_CLIENT_ID})
   * @param federatedTokenFile the token file ({@code AZURE_FEDERATED_TOKEN_FILE})
   * @return the credential
   * @throws ConfigurationException if an id is blank or malformed
   */
  public static EntraCredential workloadIdentity(
      String tenantId, String clientId, Path federatedTokenFile) {
    Objects.requireNonNull(federatedTokenFile, "federatedTokenFile");
    return new EntraCredential(
        client(
            Kind.WORKLOAD_IDENTITY, tenantId, clientId, parts -> parts.file = federatedTokenFile));
  }

  /**
   * A managed identity, through the instance metadata service ({@code
   * http://169.254.169.254/metadata/identity/oauth2/token}), as on virtual machines, AKS and
   * container instances. For App Service and Functions use {@link #appServiceManagedIdentity}.
   *
   * @param clientId a user-assigned identity's client id, or null for the system-assigned one
   * @return the credential
   */
  public static EntraCredential managedIdentity(@Nullable String clientId) {
    Parts parts = new Parts();
    parts.kind = Kind.MANAGED_IDENTITY;
    parts.clientId = clientId == null || clientId.isBlank() ? null : clientId.strip();
    return new EntraCredential(parts);
  }

  /**
   * A managed identity on App Service or Functions, through the identity endpoint the platform
   * sets in {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}.
   *
   * @param identityEndpoint {@code IDENTITY_ENDPOINT}
   * @param identityHeader {@code IDENTITY_HEADER}
   * @param clientId a user-assigned identity's client id, or null for the system-assigned one
   * @return the credential
   */
  public static EntraCredential appServiceManagedIdentity(
      URI identityEndpoint, Secret identityHeader, @Nullable String clientId) {
    Objects.requireNonNull(identityEndpoint, "identityEndpoint");
    Objects.requireNonNull(identityHeader, "identityHeader");
    Parts parts = new Parts();
    parts.kind = Kind.MANAGED_IDENTITY;
    parts.clientId = clientId == null || clientId.isBlank() ? null : clientId.strip();
    parts.identityEndpoint = identityEndpoint;
    parts.identityHeader = identityHeader;
    return new EntraCredential(parts);
  }

  /**
   * Tokens the application gets itself, for any other way (azure-identity, a sidecar, a vault).
   * The supplier is called only when the cache needs a token, never by two threads at once, and
   * on the credential's {@code azure-token-fetch} thread rather than the caller's: it sees none
   * of the caller's thread-locals. A supplier that hangs holds up no call past its deadline, and
   * none past 60 seconds.
   *
   * @param supplier returns a token with its expiry; it may block
   * @return the credential
   */
  public static EntraCredential tokenSupplier(Supplier<AccessToken> supplier) {
    Objects.requireNonNull(supplier, "supplier");
    Parts parts = new Parts();
    parts.kind = Kind.TOKEN_SUPPLIER;
    parts.supplier = supplier;
    return new EntraCredential(parts);
  }

  private static Parts client(
      Kind kind, String tenantId, String clientId, Consumer<Parts> more) {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(clientId, "clientId");
    // The tenant becomes a path segment of the token endpoint: a GUID or a domain, nothing else.
    if (!tenantId.strip().matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
      throw new ConfigurationException(
          "tenantId (AZURE_TENANT_ID) must be a tenant GUID or domain, was '" + tenantId + "'",
          null);
    }
    if (clientId.isBlank()) {
      throw new ConfigurationException("clientId (AZURE_CLIENT_ID) must not be blank", null);
    }
    Parts parts = new Parts();
    parts.kind = kind;
    parts.tenantId = tenantId.strip();
    parts.clientId = clientId.strip();
    more.accept(parts);
    return parts;
  }

  private EntraCredential with(Consumer<Parts> change) {
    Parts copy = parts.copy();
    change.accept(copy);
    return new EntraCredential(copy);
  }

  /**
   * Returns this credential with another authority host, for the sovereign clouds: for example
   * {@code https://login.microsoftonline.us/} (Azure Government) or {@code
   * https://login.chinacloudapi.cn/} (Azure operated by 21Vianet).
   *
   * @param authorityHost an https URL (http only for the loopback, in tests)
   * @return a new credential
   * @throws IllegalStateException for a managed identity or token supplier, which do not talk to
   *     the authority
   * @throws ConfigurationException if the URL is not https
   */
  public EntraCredential authorityHost(URI authorityHost) {
    Objects.requireNonNull(authorityHost, "authorityHost");
    if (parts.tenantId == null) {
      throw new IllegalStateException(
          "authorityHost applies to client secret, certificate and workload identity credentials,"
              + " not to a " + parts.kind.label);
    }
    String scheme = String.valueOf(authorityHost.getScheme()).toLowerCase(Locale.ROOT);
    String host = String.valueOf(authorityHost.getHost());
    boolean loopback =
        host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    if (authorityHost.getHost() == null
        || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
      throw new ConfigurationException(
          "authorityHost (AZURE_AUTHORITY_HOST) must be an https URL, such as"
              + " https://login.microsoftonline.com/, was '" + authorityHost + "'",
          null);
    }
    return with(copy -> copy.authorityHost = authorityHost);
  }

  /**
   * Returns this certificate credential signing its assertions with another algorithm.
   *
   * @param algorithm RS256 (the default) or PS256
   * @return a new credential
   * @throws IllegalStateException if this is not a certificate credential
   */
  public EntraCredential signatureAlgorithm(SignatureAlgorithm algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (parts.kind != Kind.CLIENT_CERTIFICATE) {
      throw new IllegalStateException(
          "signatureAlgorithm applies to client certificate credentials, not to a "
              + parts.kind.label);
    }
    return with(copy -> copy.algorithm = algorithm);
  }

  /**
   * Returns this managed identity credential asking another endpoint, for example a local stand-in
   * of the instance metadata service.
   *
   * @param endpoint the token endpoint, without a query
   * @return a new credential
   * @throws IllegalStateException if this is not a managed identity credential
   */
  public EntraCredential managedIdentityEndpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (parts.kind != Kind.MANAGED_IDENTITY) {
      throw new IllegalStateException(
          "managedIdentityEndpoint applies to managed identity credentials, not to a "
              + parts.kind.label);
    }
    return with(copy -> copy.identityEndpoint = endpoint);
  }

  /**
   * Returns this credential reaching Entra ID through a proxy, with the proxy's credentials or a
   * TLS context of its own ({@link Network}); without it, the JVM's settings apply. Give it the
   * network the provider has, when both go through the same proxy.
   *
   * @param network the network settings
   * @return a new credential
   * @throws IllegalStateException for a managed identity, whose endpoint is on the host itself and
   *     is always reached directly, or a token supplier, which sends nothing
   */
  public EntraCredential network(Network network) {
    Objects.requireNonNull(network, "network");
    if (parts.tenantId == null) {
      throw new IllegalStateException(
          "network applies to client secret, certificate and workload identity credentials,"
              + " not to a " + parts.kind.label);
    }
    return with(copy -> copy.network = network);
  }

  /**
   * Returns this credential refreshing its tokens a different time before they expire. A token
   * server's {@code refresh_in} wins over the margin, and a token that lives shorter than twice
   * the margin is refreshed halfway through its life.
   *
   * @param margin the margin, 5 minutes by default; zero or more
   * @return a new credential
   */
  public EntraCredential refreshMargin(Duration margin) {
    Objects.requireNonNull(margin, "margin");
    if (margin.isNegative()) {
      throw new IllegalArgumentException("margin must not be negative, was " + margin);
    }
    return with(copy -> copy.refreshMargin = margin);
  }

  /** Returns this credential reading the time from a clock of the tests'. */
  EntraCredential clock(Clock clock) {
    return with(copy -> copy.clock = clock);
  }

  /**
   * Returns a valid access token: the cached one, or a new one when none is cached or the cached
   * one is due for refresh. Blocks while a token is fetched, for 60 seconds at most.
   *
   * @return the token
   * @throws ConnectorException when no token can be obtained: an {@link AuthenticationException}
   *     when Entra ID refuses the client (with its AADSTS code), a {@link
   *     dev.openaiconnector.api.ConnectionException} when it cannot be reached
   */
  public AccessToken token() {
    return tokens.get();
  }

  /** Returns the provider's authentication, sharing this credential's token cache. */
  Authentication authentication() {
    return new EntraAuthentication(tokens);
  }

  @Override
  public String toString() {
    return "EntraCredential[" + tokens.describe() + "]";
  }
}
