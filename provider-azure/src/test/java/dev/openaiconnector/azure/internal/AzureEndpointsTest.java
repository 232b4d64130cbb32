package dev.openaiconnector.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.Operation;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureEndpointsTest {
  private static final URI ENDPOINT = URI.create("https://my-resource.openai.azure.com");
  private static final Map<String, String> DEPLOYMENTS =
      Map.of("gpt-4o-mini", "chat-prod", "text-embedding-3-small", "emb");

  @Test
  void deploymentsLayoutPutsTheDeploymentInThePathAndTheVersionInTheQuery() {
    AzureEndpoints endpoints = AzureEndpoints.deployments(ENDPOINT, "2024-10-21", DEPLOYMENTS);

    assertThat(endpoints.uri(Operation.CHAT, "gpt-4o-mini"))
        .hasToString(
            "https://my-resource.openai.azure.com/openai/deployments/chat-prod/chat/completions"
                + "?api-version=2024-10-21");
    assertThat(endpoints.uri(Operation.CHAT_STREAM, "gpt-4o-mini"))
        .isSameAs(endpoints.uri(Operation.CHAT, "gpt-4o-mini"));
    assertThat(endpoints.uri(Operation.EMBEDDINGS, "text-embedding-3-small"))
        .hasToString(
            "https://my-resource.openai.azure.com/openai/deployments/emb/embeddings"
                + "?api-version=2024-10-21");
    assertThat(endpoints.uri(Operation.IMAGES, "dall-e-3"))
        .hasToString(
            "https://my-resource.openai.azure.com/openai/deployments/dall-e-3/images/generations"
                + "?api-version=2024-10-21");
    assertThat(endpoints.bodyModel(Operation.CHAT, "gpt-4o-mini")).isNull();
  }

  @Test
  void deploymentNamesAreEncodedAsAPathSegment() {
    AzureEndpoints endpoints = AzureEndpoints.deployments(ENDPOINT, "2024-10-21", Map.of());

    assertThat(endpoints.uri(Operation.CHAT, "my deployment").getRawPath())
        .isEqualTo("/openai/deployments/my%20deployment/chat/completions");
  }

  @Test
  void v1LayoutSendsTheDeploymentAsTheModelWithoutAVersion() {
    AzureEndpoints endpoints = AzureEndpoints.v1(ENDPOINT, DEPLOYMENTS);

    assertThat(endpoints.uri(Operation.CHAT, "gpt-4o-mini"))
        .hasToString("https://my-resource.openai.azure.com/openai/v1/chat/completions");
    assertThat(endpoints.uri(Operation.EMBEDDINGS, "text-embedding-3-small"))
        .hasToString("https://my-resource.openai.azure.com/openai/v1/embeddings");
    assertThat(endpoints.uri(Operation.IMAGES, "x"))
        .hasToString("https://my-resource.openai.azure.com/openai/v1/images/generations");
    assertThat(endpoints.bodyModel(Operation.CHAT, "gpt-4o-mini")).isEqualTo("chat-prod");
    assertThat(endpoints.bodyModel(Operation.CHAT, "unmapped")).isEqualTo("unmapped");
  }

  @Test
  void v1EndpointIsNotExtendedTwice() {
    AzureEndpoints endpoints =
        AzureEndpoints.v1(URI.create("https://my-resource.openai.azure.com/openai/v1/"), Map.of());

    assertThat(endpoints.uri(Operation.CHAT, "m"))
        .hasToString("https://my-resource.openai.azure.com/openai/v1/chat/completions");
    assertThat(AzureEndpoints.isV1(URI.create("https://x.example.com/openai/v1/"))).isTrue();
    assertThat(AzureEndpoints.isV1(ENDPOINT)).isFalse();
  }

  @Test
  void urisAreComputedOncePerOperationAndModel() {
    AzureEndpoints endpoints = AzureEndpoints.deployments(ENDPOINT, "2024-10-21", DEPLOYMENTS);

    assertThat(endpoints.uri(Operation.EMBEDDINGS, "text-embedding-3-small"))
        .isSameAs(endpoints.uri(Operation.EMBEDDINGS, "text-embedding-3-small"));
  }
}
