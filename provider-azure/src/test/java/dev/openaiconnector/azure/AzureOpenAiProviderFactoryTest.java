package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureOpenAiProviderFactoryTest {
  private static final String ENDPOINT = "https://my-resource.openai.azure.com";
  private final Map<String, String> env = new HashMap<>(Map.of("AZURE_OPENAI_ENDPOINT", ENDPOINT));
  private final ProviderSettings settings = name -> Optional.ofNullable(env.get(name));

  @TempDir Path directory;

  private AzureOpenAiProvider create() {
    return new AzureOpenAiProviderFactory().create(settings);
  }

  @Test
  void isFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(ProviderFactory.class))
        .anySatisfy(
            factory -> {
              assertThat(factory).isInstanceOf(AzureOpenAiProviderFactory.class);
              assertThat(factory.id()).isEqualTo("azure");
              assertThat(factory.spiVersion()).isEqualTo(ProviderFactory.SPI_VERSION);
              assertThat(factory.capabilities()).isNotEmpty();
            });
  }

  @Test
  void apiKeyWinsOverEverythingElse() {
    env.put("AZURE_OPENAI_API_KEY", "key-value-canary");
    env.put("AZURE_TENANT_ID", "tenant-1");
    env.put("AZURE_CLIENT_ID", "client-1");
    env.put("AZURE_CLIENT_SECRET", "secret-value-canary");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString()).contains("auth=api-key").doesNotContain("canary");
    }
  }

  @Test
  void clientSecretComesNext() {
    env.put("AZURE_TENANT_ID", "tenant-1");
    env.put("AZURE_CLIENT_ID", "client-1");
    env.put("AZURE_CLIENT_SECRET", "secret-value-canary");
    env.put("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString())
          .contains("client secret, tenant tenant-1, client client-1")
          .contains("https://login.microsoftonline.us/tenant-1/oauth2/v2.0/token")
          .doesNotContain("canary");
    }
  }

  @Test
  void certificateComesAfterTheSecret() throws Exception {
    env.put("AZURE_TENANT_ID", "tenant-1");
    env.put("AZURE_CLIENT_ID", "client-1");
    env.put(
        "AZURE_CLIENT_CERTIFICATE_PATH",
        TestCertificates.create().writePkcs12(directory, "pw-canary").toString());
    env.put("AZURE_CLIENT_CERTIFICATE_PASSWORD", "pw-canary");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString()).contains("client certificate").doesNotContain("canary");
    }
  }

  @Test
  void workloadIdentityComesAfterTheCertificate() throws Exception {
    env.put("AZURE_TENANT_ID", "tenant-1");
    env.put("AZURE_CLIENT_ID", "client-1");
    env.put(
        "AZURE_FEDERATED_TOKEN_FILE",
        Files.writeString(directory.resolve("token"), "jwt").toString());

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString()).contains("workload identity");
    }
  }

  @Test
  void appServiceManagedIdentityWhenItsEndpointIsSet() {
    env.put("IDENTITY_ENDPOINT", "http://127.0.0.1:41234/msi/token");
    env.put("IDENTITY_HEADER", "header-canary");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString())
          .contains("managed identity (App Service)")
          .doesNotContain("canary");
    }
  }

  @Test
  void imdsManagedIdentityOtherwise() {
    env.put("AZURE_CLIENT_ID", "user-assigned");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString())
          .contains("managed identity (IMDS), client user-assigned")
          .contains("http://169.254.169.254/metadata/identity/oauth2/token");
    }
  }

  @Test
  void imdsHostCanBeMovedAsAzureSdksAllow() {
    env.put("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:41234");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.toString())
          .contains("http://127.0.0.1:41234/metadata/identity/oauth2/token");
    }
  }

  @Test
  void clientSecretWithoutTenantNamesWhatIsMissing() {
    env.put("AZURE_CLIENT_SECRET", "secret-value-canary");

    assertThatThrownBy(this::create)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AZURE_TENANT_ID and AZURE_CLIENT_ID")
        .hasMessageNotContaining("canary");
  }

  @Test
  void versionLayoutAndDeploymentsAreRead() {
    env.put("AZURE_OPENAI_API_KEY", "key");
    env.put("OPENAI_API_VERSION", "2025-04-01-preview");
    env.put("AZURE_OPENAI_DEPLOYMENTS", "gpt-4o-mini=my-chat, text-embedding-3-small=emb");

    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.apiVersion()).isEqualTo("2025-04-01-preview");
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.DEPLOYMENTS);
    }
    env.put("AZURE_OPENAI_LAYOUT", "V1");
    try (AzureOpenAiProvider provider = create()) {
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.V1);
    }
  }

  @Test
  void malformedSettingsAreNamed() {
    env.put("AZURE_OPENAI_API_KEY", "key");
    env.put("AZURE_OPENAI_DEPLOYMENTS", "gpt-4o-mini");
    assertThatThrownBy(this::create).hasMessageContaining("AZURE_OPENAI_DEPLOYMENTS");

    env.remove("AZURE_OPENAI_DEPLOYMENTS");
    env.put("AZURE_OPENAI_LAYOUT", "sideways");
    assertThatThrownBy(this::create).hasMessageContaining("AZURE_OPENAI_LAYOUT");
  }

  @Test
  void missingEndpointIsNamed() {
    env.remove("AZURE_OPENAI_ENDPOINT");
    env.put("AZURE_OPENAI_API_KEY", "key");

    assertThatThrownBy(this::create)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT");
  }
}
