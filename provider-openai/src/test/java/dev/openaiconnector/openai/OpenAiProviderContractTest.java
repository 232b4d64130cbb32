package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.ProviderContract;
import dev.openaiconnector.testkit.RecordedRequest;

/** The OpenAI provider keeps the provider contract, with every capability declared. */
class OpenAiProviderContractTest extends ProviderContract {
  private static final String KEY = "sk-contract-key";

  @Override
  protected FakeOpenAiServer startServer() {
    return FakeOpenAiServer.builder().apiKey(KEY).start();
  }

  @Override
  protected Provider createProvider(FakeOpenAiServer server) {
    return OpenAiProvider.builder().apiKey(KEY).baseUrl(server.baseUrl().toString()).build();
  }

  @Override
  protected void assertAuthenticated(RecordedRequest request) {
    assertThat(request.header("Authorization")).contains("Bearer " + KEY);
  }
}
