package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the building block's builder accepts and how it reports what it refuses. */
class OpenAiCompatibleBuilderTest {
  private static final String KEY = "azure-SECRET-key-0123456789";
  private static final URI LOCAL = URI.create("http://127.0.0.1:1");

  private static OpenAiCompatible.Builder complete(URI baseUrl) {
    return OpenAiCompatible.builder()
        .providerId("azure")
        .providerName("Azure OpenAI")
        .baseUrl(baseUrl)
        .endpoints(Endpoints.openAi(baseUrl))
        .authentication(Authentication.header("api-key", "", Secret.of(KEY)));
  }

  @Test
  void reportsEveryMissingSettingAtOnce() {
    assertThatThrownBy(() -> OpenAiCompatible.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("providerId is not set")
        .hasMessageContaining("baseUrl is not set")
        .hasMessageContaining("endpoints is not set")
        .hasMessageContaining("authentication is not set");
  }

  @Test
  void reportsBadValuesTogetherWithoutTheSecret() {
    OpenAiCompatible.Builder builder =
        complete(URI.create("http://azure.example.com"))
            .connectTimeout(Duration.ZERO)
            .requestIdHeaders(List.of())
            .capabilities(Set.of(Capability.EMBEDDINGS));

    assertThat(builder.problems()).hasSize(4);
    assertThatThrownBy(builder::build)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("The Azure OpenAI provider is misconfigured: ")
        .hasMessageContaining("connectTimeout must be positive")
        .hasMessageContaining("requestIdHeaders must name at least one header")
        .hasMessageContaining("capabilities must include CHAT")
        .hasMessageContaining("plain http to azure.example.com")
        .message()
        .doesNotContain(KEY)
        .doesNotContain("OPENAI_ALLOW_INSECURE_HTTP");
  }

  @Test
  void offersOnlyThePortsOfTheDeclaredCapabilities() {
    try (OpenAiCompatible chatOnly = complete(LOCAL).capabilities(Set.of(Capability.CHAT)).build()) {
      assertThat(chatOnly.id()).isEqualTo("azure");
      assertThat(chatOnly.capabilities()).containsExactly(Capability.CHAT);
      assertThat(chatOnly.chatStream()).isEmpty();
      assertThat(chatOnly.embeddings()).isEmpty();
      assertThat(chatOnly.images()).isEmpty();
    }
    try (OpenAiCompatible all = complete(LOCAL).build()) {
      assertThat(all.capabilities()).isEqualTo(OpenAiProvider.CAPABILITIES);
      assertThat(all.chatStream()).isPresent();
      assertThat(all.embeddings()).isPresent();
      assertThat(all.images()).isPresent();
      assertThat(all.toString()).doesNotContain(KEY);
    }
  }
}
