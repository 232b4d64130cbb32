package dev.openaiconnector.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.ProviderContract;
import dev.openaiconnector.testkit.RecordedRequest;

/** The example provider keeps the contract: its key in {@code X-Api-Key}, no streaming or images. */
class AcmeProviderContractTest extends ProviderContract {
  private static final String KEY = "acme-contract-key";

  @Override
  protected FakeOpenAiServer startServer() {
    return FakeOpenAiServer.builder().apiKeyHeader("X-Api-Key").apiKey(KEY).start();
  }

  @Override
  protected Provider createProvider(FakeOpenAiServer server) {
    return AcmeProvider.create(server.baseUrl(), Secret.of(KEY));
  }

  @Override
  protected void assertAuthenticated(RecordedRequest request) {
    assertThat(request.header("X-Api-Key")).hasValue(KEY);
    assertThat(request.header("Authorization")).isEmpty();
  }
}
