package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
  void deploymentsMayBeMappedPerOperation() {
    env.put("AZURE_OPENAI_API_KEY", "key");
    env.put(
        "AZURE_OPENAI_DEPLOYMENTS",
        " chat:gpt-4o=chat-dep, embeddings:text-embedding-3-small=emb-dep,gpt-4o-mini=mini,"
            + "STREAM:gpt-4o = stream-dep,ft:gpt-4o-mini:org::abc=ft-dep,");

    FakeOpenAiServer server =
        FakeOpenAiServer.builder()
            .azureApiKey("key")
            .azureDeployment("chat-dep", "gpt-4o")
            .azureDeployment("stream-dep", "gpt-4o")
            .azureDeployment("emb-dep", "text-embedding-3-small")
            .azureDeployment("mini", "gpt-4o-mini")
            .azureDeployment("ft-dep", "gpt-4o-mini")
            .start();
    env.put("AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString());
    Deadline deadline = Deadline.after(Duration.ofSeconds(30));
    try (server;
        AzureOpenAiProvider provider = create()) {
      provider.chat().complete(chat("gpt-4o"), deadline);
      try (ChatEventSource stream = provider.chatStream().orElseThrow().open(chat("gpt-4o"), deadline)) {
        while (stream.next() != null) {
          // drain
        }
      }
      provider
          .embeddings()
          .orElseThrow()
          .embed(
              EmbeddingRequest.builder().model("text-embedding-3-small").input("x").build(),
              deadline);
      provider.chat().complete(chat("gpt-4o-mini"), deadline);
      provider.chat().complete(chat("ft:gpt-4o-mini:org::abc"), deadline);

      assertThat(server.takeRequest().path()).startsWith("/openai/deployments/chat-dep/chat/");
      assertThat(server.takeRequest().path()).startsWith("/openai/deployments/stream-dep/chat/");
      assertThat(server.takeRequest().path()).startsWith("/openai/deployments/emb-dep/embeddings");
      assertThat(server.takeRequest().path()).startsWith("/openai/deployments/mini/chat/");
      assertThat(server.takeRequest().path()).startsWith("/openai/deployments/ft-dep/chat/");
    }
  }

  private static ChatRequest chat(String model) {
    return ChatRequest.builder().model(model).user("hi").build();
  }

  @Test
  void malformedDeploymentEntriesAreNamed() {
    env.put("AZURE_OPENAI_API_KEY", "key");
    for (String entry :
        List.of(
            "chat:gpt-4o",
            "chat:=chat-dep",
            "embeddings:emb=",
            "=dep",
            "gpt-4o=a/b",
            "images:dall-e-3=..",
            "gpt-4o=my dep")) {
      env.put("AZURE_OPENAI_DEPLOYMENTS", "gpt-4o-mini=mini," + entry);
      assertThatThrownBy(this::create)
          .as(entry)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("AZURE_OPENAI_DEPLOYMENTS")
          .hasMessageContaining("'" + entry + "'");
    }
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
