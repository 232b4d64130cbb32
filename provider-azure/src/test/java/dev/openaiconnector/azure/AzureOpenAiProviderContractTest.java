package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.ProviderContract;
import dev.openaiconnector.testkit.RecordedRequest;
import java.util.Map;

/**
 * The Azure provider keeps the provider contract in the deployments layout: the model travels as
 * a deployment in the path, the key in {@code api-key}.
 */
class AzureOpenAiProviderContractTest extends ProviderContract {
  private static final String KEY = "azure-contract-key";
  private static final Map<String, String> DEPLOYMENTS =
      Map.of("gpt-4o-mini", "chat-prod", "text-embedding-3-small", "emb", "dall-e-2", "img");

  @Override
  protected FakeOpenAiServer startServer() {
    FakeOpenAiServer.Builder server = FakeOpenAiServer.builder().azureApiKey(KEY);
    DEPLOYMENTS.forEach((model, deployment) -> server.azureDeployment(deployment, model));
    return server.start();
  }

  @Override
  protected Provider createProvider(FakeOpenAiServer server) {
    AzureOpenAiProvider.Builder provider =
        AzureOpenAiProvider.builder().endpoint(server.azureEndpoint()).apiKey(KEY);
    DEPLOYMENTS.forEach(provider::deployment);
    return provider.build();
  }

  @Override
  protected void assertModelSent(RecordedRequest request, Map<String, ?> body, String model) {
    assertThat(request.path()).startsWith("/openai/deployments/" + DEPLOYMENTS.get(model) + "/");
    assertThat(request.queryParameter("api-version"))
        .hasValue(AzureOpenAiProvider.DEFAULT_API_VERSION);
  }

  @Override
  protected String requestIdHeader() {
    return "apim-request-id";
  }

  @Override
  protected void assertAuthenticated(RecordedRequest request) {
    assertThat(request.header("api-key")).hasValue(KEY);
  }
}
