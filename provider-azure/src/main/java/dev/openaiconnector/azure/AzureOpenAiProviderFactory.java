package dev.openaiconnector.azure;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Creates the Azure OpenAI provider from settings with the names Azure's own SDKs use. Found by
 * the core through {@link java.util.ServiceLoader}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Setting</th><th>Meaning</th></tr>
 *   <tr><td>{@code AZURE_OPENAI_ENDPOINT}</td><td>the resource endpoint (required)</td></tr>
 *   <tr><td>{@code OPENAI_API_VERSION}</td><td>the deployments layout's api-version</td></tr>
 *   <tr><td>{@code AZURE_OPENAI_LAYOUT}</td><td>{@code auto}, {@code deployments} or
 *       {@code v1}</td></tr>
 *   <tr><td>{@code AZURE_OPENAI_DEPLOYMENTS}</td><td>model to deployment, such as
 *       {@code gpt-4o-mini=my-chat,text-embedding-3-small=my-embeddings}</td></tr>
 *   <tr><td>{@code AZURE_OPENAI_API_KEY}</td><td>the API key</td></tr>
 *   <tr><td>{@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}</td><td>the Entra ID
 *       application</td></tr>
 *   <tr><td>{@code AZURE_CLIENT_SECRET}</td><td>its client secret</td></tr>
 *   <tr><td>{@code AZURE_CLIENT_CERTIFICATE_PATH},
 *       {@code AZURE_CLIENT_CERTIFICATE_PASSWORD}</td><td>its certificate (PEM or
 *       PKCS#12)</td></tr>
 *   <tr><td>{@code AZURE_FEDERATED_TOKEN_FILE}</td><td>a workload identity's token file</td></tr>
 *   <tr><td>{@code AZURE_AUTHORITY_HOST}</td><td>the Entra ID authority, for sovereign
 *       clouds</td></tr>
 *   <tr><td>{@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}</td><td>App Service's managed
 *       identity endpoint, set by the platform</td></tr>
 *   <tr><td>{@code AZURE_POD_IDENTITY_AUTHORITY_HOST}</td><td>another instance metadata
 *       service host, as Azure's SDKs allow</td></tr>
 * </table>
 *
 * <p>Authentication, the first that applies: the API key; a client secret; a client certificate;
 * a workload identity (the federated token file); else a managed identity, through App Service's
 * identity endpoint when {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are set, else the
 * instance metadata service ({@code AZURE_CLIENT_ID}, when set, picks a user-assigned identity).
 */
public final class AzureOpenAiProviderFactory implements ProviderFactory {
  /** Creates the factory; the core calls this through the service loader. */
  public AzureOpenAiProviderFactory() {}

  @Override
  public String id() {
    return AzureOpenAiProvider.ID;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Set<Capability> capabilities() {
    return AzureOpenAiProvider.CAPABILITIES;
  }

  @Override
  public AzureOpenAiProvider create(ProviderSettings settings) {
    AzureOpenAiProvider.Builder builder = AzureOpenAiProvider.builder();
    settings.get("AZURE_OPENAI_ENDPOINT").ifPresent(builder::endpoint);
    settings.get("OPENAI_API_VERSION").ifPresent(builder::apiVersion);
    settings.get("AZURE_OPENAI_LAYOUT").ifPresent(layout -> builder.layout(layout(layout)));
    settings.get("AZURE_OPENAI_DEPLOYMENTS").ifPresent(list -> deployments(list, builder));
    Optional<String> apiKey = settings.get("AZURE_OPENAI_API_KEY");
    if (apiKey.isPresent()) {
      builder.apiKey(apiKey.get());
    } else {
      builder.credential(credential(settings));
    }
    return builder.build();
  }

  private static EntraCredential credential(ProviderSettings settings) {
    Optional<String> tenantId = settings.get("AZURE_TENANT_ID");
    Optional<String> clientId = settings.get("AZURE_CLIENT_ID");
    Optional<String> secret = settings.get("AZURE_CLIENT_SECRET");
    Optional<String> certificate = settings.get("AZURE_CLIENT_CERTIFICATE_PATH");
    Optional<String> tokenFile = settings.get("AZURE_FEDERATED_TOKEN_FILE");
    EntraCredential credential;
    if (secret.isPresent() || certificate.isPresent() || tokenFile.isPresent()) {
      String mode =
          secret.isPresent()
              ? "AZURE_CLIENT_SECRET"
              : certificate.isPresent() ? "AZURE_CLIENT_CERTIFICATE_PATH" : "AZURE_FEDERATED_TOKEN_FILE";
      List<String> missing = new ArrayList<>();
      if (tenantId.isEmpty()) {
        missing.add("AZURE_TENANT_ID");
      }
      if (clientId.isEmpty()) {
        missing.add("AZURE_CLIENT_ID");
      }
      if (!missing.isEmpty()) {
        throw new ConfigurationException(
            mode + " is set, so Microsoft Entra ID also needs " + String.join(" and ", missing),
            null);
      }
      if (secret.isPresent()) {
        credential =
            EntraCredential.clientSecret(
                tenantId.get(), clientId.get(), Secret.of(secret.get()));
      } else if (certificate.isPresent()) {
        credential =
            EntraCredential.clientCertificate(
                tenantId.get(),
                clientId.get(),
                Path.of(certificate.get().strip()),
                settings.get("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(Secret::of).orElse(null));
      } else {
        credential =
            EntraCredential.workloadIdentity(
                tenantId.get(), clientId.get(), Path.of(tokenFile.get().strip()));
      }
      Optional<String> authority = settings.get("AZURE_AUTHORITY_HOST");
      if (authority.isPresent()) {
        credential = credential.authorityHost(uri("AZURE_AUTHORITY_HOST", authority.get()));
      }
      return credential;
    }
    Optional<String> identityEndpoint = settings.get("IDENTITY_ENDPOINT");
    Optional<String> identityHeader = settings.get("IDENTITY_HEADER");
    if (identityEndpoint.isPresent() && identityHeader.isPresent()) {
      return EntraCredential.appServiceManagedIdentity(
          uri("IDENTITY_ENDPOINT", identityEndpoint.get()),
          Secret.of(identityHeader.get()),
          clientId.orElse(null));
    }
    credential = EntraCredential.managedIdentity(clientId.orElse(null));
    Optional<String> imdsHost = settings.get("AZURE_POD_IDENTITY_AUTHORITY_HOST");
    if (imdsHost.isPresent()) {
      String host = imdsHost.get().strip();
      credential =
          credential.managedIdentityEndpoint(
              uri(
                  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
                  (host.endsWith("/") ? host : host + "/") + "metadata/identity/oauth2/token"));
    }
    return credential;
  }

  private static URI uri(String name, String value) {
    try {
      URI uri = URI.create(value.strip());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not absolute");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(name + " must be an absolute URL, was '" + value + "'", e);
    }
  }

  private static AzureOpenAiProvider.Layout layout(String value) {
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "auto":
        return AzureOpenAiProvider.Layout.AUTO;
      case "deployments":
        return AzureOpenAiProvider.Layout.DEPLOYMENTS;
      case "v1":
        return AzureOpenAiProvider.Layout.V1;
      default:
        throw new ConfigurationException(
            "AZURE_OPENAI_LAYOUT must be auto, deployments or v1, was '" + value + "'", null);
    }
  }

  private static void deployments(String list, AzureOpenAiProvider.Builder builder) {
    for (String pair : list.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0 || equals == pair.length() - 1) {
        throw new ConfigurationException(
            "AZURE_OPENAI_DEPLOYMENTS must be model=deployment pairs separated by commas, such as"
                + " gpt-4o-mini=my-chat,text-embedding-3-small=my-embeddings; '"
                + pair.strip()
                + "' is not one",
            null);
      }
      builder.deployment(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
    }
  }
}
