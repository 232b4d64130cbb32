package dev.openaiconnector.examples;

import dev.openaiconnector.api.Secret;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.openai.OpenAiCompatible;
import dev.openaiconnector.openai.OpenAiCompatibleProvider;
import dev.openaiconnector.spi.Capability;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A provider of our own for an OpenAI-compatible server that wants its key in {@code X-Api-Key}
 * and streams nothing: the "write your own provider" example of the README. It is the OpenAI
 * building block configured, not a new HTTP client; {@link AcmeProviderFactory} makes it
 * discoverable, and the testkit's {@code ProviderContract} proves it.
 *
 * <pre>{@code
 * try (Connector ai = Connectors.builder().provider(AcmeProvider.create(baseUrl, key)).build()) {
 *   ai.chat(ChatRequest.builder().model("acme-chat").user("Hello").build());
 * }
 * }</pre>
 */
public final class AcmeProvider extends OpenAiCompatibleProvider {
  /** The provider id, also its factory's. */
  public static final String ID = "acme";

  /** What the Acme server offers: chat with tools and JSON, embeddings; no streaming, no images. */
  public static final Set<Capability> CAPABILITIES =
      EnumSet.of(
          Capability.CHAT,
          Capability.TOOLS,
          Capability.JSON_MODE,
          Capability.STRUCTURED_OUTPUT,
          Capability.VISION,
          Capability.EMBEDDINGS);

  private AcmeProvider(OpenAiCompatible compatible) {
    super(compatible);
  }

  /**
   * Creates the provider.
   *
   * @param baseUrl the server's base URL, such as {@code https://llm.acme.example/v1}
   * @param apiKey the key sent in {@code X-Api-Key}
   * @return the provider
   * @throws dev.openaiconnector.api.ConfigurationException if the URL or key is unusable, naming
   *     which
   */
  public static AcmeProvider create(URI baseUrl, Secret apiKey) {
    return new AcmeProvider(
        OpenAiCompatible.builder()
            .providerId(ID)
            .providerName("Acme LLM")
            .baseUrl(baseUrl)
            .endpoints(Endpoints.openAi(baseUrl))
            .authentication(Authentication.header("X-Api-Key", "", apiKey))
            .requestIdHeaders(List.of("x-acme-request-id", "x-request-id"))
            .capabilities(CAPABILITIES)
            .build());
  }
}
