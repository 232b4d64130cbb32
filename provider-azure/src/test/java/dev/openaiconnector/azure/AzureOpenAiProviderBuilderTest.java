package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureOpenAiProviderBuilderTest {
  private static final String KEY = "canary-api-key-0123456789";

  @Test
  void autoLayoutChoosesDeploymentsForAResourceEndpoint() {
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com/")
            .apiKey(KEY)
            .build()) {
      assertThat(provider.id()).isEqualTo("azure");
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.DEPLOYMENTS);
      assertThat(provider.apiVersion()).isEqualTo("2024-10-21");
      assertThat(provider.endpoint()).hasToString("https://my-resource.openai.azure.com");
    }
  }

  @Test
  void autoLayoutChoosesV1ForAnEndpointEndingInOpenAiV1() {
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com/openai/v1/")
            .apiKey(KEY)
            .build()) {
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.V1);
    }
  }

  @Test
  void explicitLayoutWins() {
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com")
            .layout(AzureOpenAiProvider.Layout.V1)
            .apiKey(KEY)
            .build()) {
      assertThat(provider.layout()).isEqualTo(AzureOpenAiProvider.Layout.V1);
    }
  }

  @Test
  void portalSampleEndingInOpenAiIsTrimmed() {
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com/openai/")
            .apiKey(KEY)
            .build()) {
      assertThat(provider.endpoint()).hasToString("https://my-resource.openai.azure.com");
    }
  }

  @Test
  void deploymentNamesOutsideTheAllowedCharactersAreRefused() {
    AzureOpenAiProvider.Builder builder =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com")
            .apiKey(KEY)
            .deployment("gpt-4o", "../admin")
            .deployment(dev.openaiconnector.api.Operation.CHAT, "gpt-4o-mini", ".")
            .deployment(dev.openaiconnector.api.Operation.IMAGES, "dall-e-3", "..")
            .deployment(dev.openaiconnector.api.Operation.EMBEDDINGS, "emb", "a b")
            .deployment(dev.openaiconnector.api.Operation.CHAT_STREAM, "gpt-4o", "ok.name_1-x");

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'../admin' (for model 'gpt-4o')")
        .hasMessageContaining("'.' (for model 'gpt-4o-mini' for CHAT)")
        .hasMessageContaining("'..' (for model 'dall-e-3' for IMAGES)")
        .hasMessageContaining("'a b' (for model 'emb' for EMBEDDINGS)")
        .hasMessageNotContaining("ok.name_1-x")
        .hasMessageContaining("letters, digits, '.', '_' and '-'");
  }

  @Test
  void buildReportsEveryProblemAtOnce() {
    AzureOpenAiProvider.Builder builder =
        AzureOpenAiProvider.builder()
            .apiVersion("latest")
            .requestTimeout(Duration.ZERO)
            .deployment("gpt-4o", " ");

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiVersion (OPENAI_API_VERSION)")
        .hasMessageContaining("requestTimeout must be positive")
        .hasMessageContaining("deployment mapping")
        .hasMessageContaining("endpoint (AZURE_OPENAI_ENDPOINT) is required")
        .hasMessageContaining("no authentication");
  }

  @Test
  void apiKeyAndCredentialTogetherAreRefused() {
    AzureOpenAiProvider.Builder builder =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com")
            .apiKey(KEY)
            .credential(EntraCredential.managedIdentity(null));

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("not both")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void deploymentsLayoutRefusesAV1Endpoint() {
    AzureOpenAiProvider.Builder builder =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com/openai/v1")
            .layout(AzureOpenAiProvider.Layout.DEPLOYMENTS)
            .apiKey(KEY);

    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ends in /openai/v1");
  }

  @Test
  void endpointMustBeAnAbsoluteUrlWithoutCredentialsOrQuery() {
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().endpoint("my-resource").apiKey(KEY).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("absolute https URL");
    assertThatThrownBy(
            () ->
                AzureOpenAiProvider.builder()
                    .endpoint("https://user:pw@my-resource.openai.azure.com")
                    .apiKey(KEY)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("credentials")
        .hasMessageNotContaining("pw@");
    assertThatThrownBy(
            () ->
                AzureOpenAiProvider.builder()
                    .endpoint(URI.create("https://my-resource.openai.azure.com?api-version=x"))
                    .apiKey(KEY)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("query");
  }

  @Test
  void keyWithALineBreakIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(
            () ->
                AzureOpenAiProvider.builder()
                    .endpoint("https://my-resource.openai.azure.com")
                    .apiKey(Secret.of("abc\u2026" + KEY))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("U+2026")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void endpointProblemsNeverQuoteTheQueryFragmentOrUserInfo() {
    String[] endpoints = {
      "https://my-resource.openai.azure.com/openai?api-key=canary-key&sig=canary-sig#canary-frag",
      "ftp://user:canary-pass@my-resource.openai.azure.com/openai?api-key=canary-key",
      "my-resource.openai.azure.com?api-key=canary-key",
      "https://user:canary-pass@my-resource.openai.azure.com/a b?sig=canary-sig",
      "https://my-resource.openai.azure.com/a b?api-key=canary-key#canary-frag",
    };
    for (String endpoint : endpoints) {
      assertThatThrownBy(() -> AzureOpenAiProvider.builder().endpoint(endpoint).apiKey(KEY).build())
          .as(endpoint)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("endpoint")
          .message()
          .doesNotContain("canary");
    }
    assertThatThrownBy(
            () ->
                AzureOpenAiProvider.builder()
                    .endpoint("ftp://user:canary-pass@my-resource.openai.azure.com/x?sig=canary")
                    .apiKey(KEY)
                    .build())
        .hasMessageContaining("ftp://my-resource.openai.azure.com/x'");
  }
}
