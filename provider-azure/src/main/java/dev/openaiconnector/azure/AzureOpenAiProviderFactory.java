package dev.openaiconnector.azure;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.azure.internal.AzureEndpoints;
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
import org.jspecify.annotations.Nullable;

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
 *   <tr><td>{@code AZURE_OPENAI_DEPLOYMENTS}</td><td>model to deployment, optionally per
 *       operation, such as {@code gpt-4o-mini=my-chat,text-embedding-3-small=my-embeddings}
 *       (see below)</td></tr>
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
 * <p>{@code AZURE_OPENAI_DEPLOYMENTS} is a comma-separated list of entries {@code
 * [operation:]model=deployment}, for example {@code
 * chat:gpt-4o=chat-dep,embeddings:text-embedding-3-small=emb-dep,gpt-4o-mini=mini}. Blanks
 * around entries and parts are ignored, as are empty entries. The operation prefix, any case, is
 * one of {@code chat}, {@code chat_stream} (also {@code chat-stream} or {@code stream}), {@code
 * embeddings} (or {@code embedding}) and {@code images} (or {@code image}); such an entry maps the
 * model for that operation only (see {@link AzureOpenAiProvider.Builder#deployment(Operation,
 * String, String)}; a stream follows {@code chat} unless it has its own entry). An entry without
 * a prefix maps the model for every operation. A model name that itself holds a colon, such as a
 * fine-tuned {@code ft:gpt-4o-mini:my-org::abc123}, is taken whole unless the text before its
 * first colon is one of the operations above. A deployment name is made of {@code A-Za-z0-9._-}
 * and is neither {@code .} nor {@code ..}. An entry without {@code =}, with an empty model or
 * deployment, or with an invalid deployment name fails with a {@link ConfigurationException}
 * naming the entry.
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
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String pair = entry.strip();
      int equals = pair.indexOf('=');
      if (equals <= 0 || equals == pair.length() - 1) {
        throw malformed(pair, "it is not [operation:]model=deployment");
      }
      String key = pair.substring(0, equals).strip();
      String deployment = pair.substring(equals + 1).strip();
      Operation operation = null;
      int colon = key.indexOf(':');
      if (colon >= 0) {
        operation = operation(key.substring(0, colon));
        if (operation != null) {
          key = key.substring(colon + 1).strip();
        }
      }
      if (key.isEmpty() || deployment.isEmpty()) {
        throw malformed(pair, "it must name both the model and the deployment");
      }
      if (!AzureEndpoints.isValidDeploymentName(deployment)) {
        throw malformed(
            pair,
            "the deployment name must be made of "
                + AzureEndpoints.allowedCharacters());
      }
      if (operation == null) {
        builder.deployment(key, deployment);
      } else {
        builder.deployment(operation, key, deployment);
      }
    }
  }

  private static ConfigurationException malformed(String entry, String why) {
    return new ConfigurationException(
        "AZURE_OPENAI_DEPLOYMENTS must be [operation:]model=deployment entries separated by"
            + " commas, such as chat:gpt-4o=chat-dep,embeddings:text-embedding-3-small=emb-dep,"
            + "gpt-4o-mini=mini; entry '"
            + entry
            + "' is malformed: "
            + why,
        null);
  }

  private static @Nullable Operation operation(String prefix) {
    switch (prefix.strip().toLowerCase(Locale.ROOT)) {
      case "chat":
        return Operation.CHAT;
      case "chat_stream":
      case "chat-stream":
      case "stream":
        return Operation.CHAT_STREAM;
      case "embeddings":
      case "embedding":
        return Operation.EMBEDDINGS;
      case "images":
      case "image":
        return Operation.IMAGES;
      default:
        return null;
    }
  }
}
