package dev.openaiconnector.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RequestValidationException;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
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
  void unmappedModelThatCannotNameADeploymentIsRefusedBeforeAnyRequest() {
    AzureEndpoints endpoints = AzureEndpoints.deployments(ENDPOINT, "2024-10-21", Map.of());
    AzureEndpoints v1 = AzureEndpoints.v1(ENDPOINT, Map.of());

    for (String model : List.of("my deployment", "..", ".", "a/b", "x?api-version=1", "é", "")) {
      assertThatThrownBy(() -> endpoints.uri(Operation.CHAT, model))
          .isInstanceOf(RequestValidationException.class)
          .hasMessageContaining("model '" + model + "'")
          .hasMessageContaining("letters, digits, '.', '_' and '-'");
      assertThatThrownBy(() -> v1.bodyModel(Operation.EMBEDDINGS, model))
          .isInstanceOf(RequestValidationException.class);
    }
    assertThat(endpoints.uri(Operation.CHAT, "my.deployment_1-x").getRawPath())
        .isEqualTo("/openai/deployments/my.deployment_1-x/chat/completions");
  }

  @Test
  void mappedDeploymentNamesAreCheckedToo() {
    assertThatThrownBy(
            () -> AzureEndpoints.deployments(ENDPOINT, "2024-10-21", Map.of("m", "a/../b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a/../b");
    assertThatThrownBy(
            () ->
                AzureEndpoints.v1(
                    ENDPOINT, Map.of(), Map.of(Operation.IMAGES, Map.of("m", ".."))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void perOperationMappingsComeFirstAndStreamFollowsChat() {
    AzureEndpoints endpoints =
        AzureEndpoints.deployments(
            ENDPOINT,
            "2024-10-21",
            Map.of("gpt-4o", "flat"),
            Map.of(
                Operation.CHAT, Map.of("gpt-4o", "chat-dep"),
                Operation.EMBEDDINGS, Map.of("text-embedding-3-small", "emb-dep")));

    assertThat(endpoints.uri(Operation.CHAT, "gpt-4o").getRawPath())
        .isEqualTo("/openai/deployments/chat-dep/chat/completions");
    assertThat(endpoints.uri(Operation.CHAT_STREAM, "gpt-4o"))
        .isSameAs(endpoints.uri(Operation.CHAT, "gpt-4o"));
    assertThat(endpoints.uri(Operation.IMAGES, "gpt-4o").getRawPath())
        .isEqualTo("/openai/deployments/flat/images/generations");
    assertThat(endpoints.uri(Operation.EMBEDDINGS, "text-embedding-3-small").getRawPath())
        .isEqualTo("/openai/deployments/emb-dep/embeddings");
    assertThat(endpoints.uri(Operation.CHAT, "text-embedding-3-small").getRawPath())
        .isEqualTo("/openai/deployments/text-embedding-3-small/chat/completions");
    assertThat(endpoints.deployment(Operation.CHAT_STREAM, "gpt-4o")).isEqualTo("chat-dep");
    assertThat(endpoints.deployment(Operation.IMAGES, "other")).isEqualTo("other");
  }

  @Test
  void streamMayHaveItsOwnDeployment() {
    Map<Operation, Map<String, String>> byOperation = new EnumMap<>(Operation.class);
    byOperation.put(Operation.CHAT, Map.of("gpt-4o", "chat-dep"));
    byOperation.put(Operation.CHAT_STREAM, Map.of("gpt-4o", "stream-dep"));
    AzureEndpoints endpoints =
        AzureEndpoints.deployments(ENDPOINT, "2024-10-21", Map.of(), byOperation);
    AzureEndpoints v1 = AzureEndpoints.v1(ENDPOINT, Map.of(), byOperation);

    assertThat(endpoints.uri(Operation.CHAT_STREAM, "gpt-4o").toString())
        .endsWith("/openai/deployments/stream-dep/chat/completions?api-version=2024-10-21");
    assertThat(endpoints.uri(Operation.CHAT_STREAM, "gpt-4o"))
        .isSameAs(endpoints.uri(Operation.CHAT_STREAM, "gpt-4o"));
    assertThat(endpoints.uri(Operation.CHAT, "gpt-4o").getRawPath())
        .isEqualTo("/openai/deployments/chat-dep/chat/completions");
    assertThat(v1.bodyModel(Operation.CHAT_STREAM, "gpt-4o")).isEqualTo("stream-dep");
    assertThat(v1.bodyModel(Operation.CHAT, "gpt-4o")).isEqualTo("chat-dep");
  }

  @Test
  void arbitraryModelsCannotGrowTheCacheWithoutLimit() {
    AzureEndpoints endpoints = AzureEndpoints.deployments(ENDPOINT, "2024-10-21", Map.of());
    for (int i = 0; i < 5_000; i++) {
      assertThat(endpoints.uri(Operation.CHAT, "model-" + i).getRawPath())
          .isEqualTo("/openai/deployments/model-" + i + "/chat/completions");
    }
    assertThat(endpoints.cachedUnmapped()).isEqualTo(AzureEndpoints.UNMAPPED_CACHE_LIMIT);
  }

  @Test
  void v1UrisAreComputedOnceWhateverTheModel() {
    AzureEndpoints endpoints = AzureEndpoints.v1(ENDPOINT, DEPLOYMENTS);
    assertThat(endpoints.uri(Operation.CHAT, "a")).isSameAs(endpoints.uri(Operation.CHAT, "b"));
    assertThat(endpoints.uri(Operation.CHAT_STREAM, "c"))
        .isSameAs(endpoints.uri(Operation.CHAT, "gpt-4o-mini"));
    for (int i = 0; i < 1_000; i++) {
      endpoints.uri(Operation.EMBEDDINGS, "model-" + i);
    }
    assertThat(endpoints.cachedUnmapped()).isZero();
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
