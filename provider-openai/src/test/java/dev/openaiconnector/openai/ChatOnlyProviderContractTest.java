package dev.openaiconnector.openai;

import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.ProviderContract;
import java.util.Set;

/**
 * An OpenAI-compatible provider that declares chat only keeps the contract too: every other
 * capability has no port, and the connector refuses a call that needs one before sending it.
 */
class ChatOnlyProviderContractTest extends ProviderContract {

  @Override
  protected Provider createProvider(FakeOpenAiServer server) {
    OpenAiCompatible compatible = OpenAiCompatible.builder()
        .providerId("chat-only")
        .providerName("A chat-only server")
        .baseUrl(server.baseUrl())
        .endpoints(Endpoints.openAi(server.baseUrl()))
        .authentication(Authentication.bearer(Secret.of("chat-only-key")))
        .capabilities(Set.of(Capability.CHAT))
        .build();
    return new OpenAiCompatibleProvider(compatible) {};
  }
}
