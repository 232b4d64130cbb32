package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiProviderFactoryTest {
  private static ProviderSettings settings(Map<String, String> values) {
    return name -> Optional.ofNullable(values.get(name));
  }

  @Test
  void isRegisteredForTheServiceLoader() {
    assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::type))
        .contains(OpenAiProviderFactory.class);
  }

  @Test
  void declaresItsIdVersionAndCapabilities() {
    OpenAiProviderFactory factory = new OpenAiProviderFactory();

    assertThat(factory.id()).isEqualTo("openai");
    assertThat(factory.spiVersion()).isEqualTo(ProviderFactory.SPI_VERSION);
    assertThat(factory.capabilities())
        .contains(Capability.CHAT, Capability.VISION, Capability.JSON_MODE);
  }

  @Test
  void readsTheStandardEnvironmentNames() {
    OpenAiProvider provider =
        new OpenAiProviderFactory()
            .create(
                settings(
                    Map.of(
                        "OPENAI_API_KEY", "sk-abc",
                        "OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")));

    assertThat(provider.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
    provider.close();
  }

  @Test
  void needsAKeyForOpenAiItself() {
    assertThatThrownBy(() -> new OpenAiProviderFactory().create(settings(Map.of())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void needsNoKeyForACompatibleServer() {
    OpenAiProvider provider =
        new OpenAiProviderFactory()
            .create(settings(Map.of("OPENAI_BASE_URL", "http://localhost:11434/v1")));

    assertThat(provider.baseUrl().getPort()).isEqualTo(11434);
    provider.close();
  }

  @Test
  void rejectsABadBaseUrlAndMaxTokensField() {
    assertThatThrownBy(
            () ->
                new OpenAiProviderFactory()
                    .create(settings(Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "ftp://x"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("baseUrl 'ftp://x'");
    assertThatThrownBy(
            () ->
                new OpenAiProviderFactory()
                    .create(
                        settings(
                            Map.of("OPENAI_API_KEY", "k", "OPENAI_MAX_TOKENS_FIELD", "tokens"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPENAI_MAX_TOKENS_FIELD");
  }

  @Test
  void reportsEveryBuilderProblemAtOnce() {
    assertThatThrownBy(
            () ->
                OpenAiProvider.builder()
                    .baseUrl("not a url")
                    .connectTimeout(java.time.Duration.ZERO)
                    .apiKey(" ")
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("baseUrl")
        .hasMessageContaining("connectTimeout")
        .hasMessageContaining("apiKey");
  }

  @Test
  void neverShowsTheKeyInToString() {
    OpenAiProvider provider =
        OpenAiProvider.builder().apiKey("sk-very-secret-value").baseUrl("http://127.0.0.1:9").build();

    assertThat(provider.toString()).doesNotContain("sk-very-secret-value");
    provider.close();
  }

  @Test
  void refusesCredentialsInTheBaseUrlAndOverlongTimeouts() {
    assertThatThrownBy(
            () ->
                OpenAiProvider.builder()
                    .apiKey("k")
                    .baseUrl("https://user:hunter2@proxy.example.com/v1")
                    .requestTimeout(java.time.Duration.ofDays(365))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("credentials")
        .hasMessageContaining("requestTimeout")
        .hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sk-abc\u2026SECRETtail", "sk-abc\r\nSECRETtail", "sk-abc SECRETtail", "sk-abc\u00e9SECRET"
      })
  void refusesAKeyThatCannotBeSentInAHeaderWithoutQuotingIt(String key) {
    // The JDK would refuse the header later with a message that quotes the whole key.
    assertThatThrownBy(() -> OpenAiProvider.builder().apiKey(key).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiKey")
        .hasMessageNotContaining("SECRET")
        .hasMessageNotContaining("sk-abc");
    assertThatThrownBy(() -> OpenAiProvider.builder().apiKey(Secret.of(key)).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiKey")
        .hasMessageNotContaining("SECRET");
    assertThatThrownBy(
            () -> new OpenAiProviderFactory().create(settings(Map.of("OPENAI_API_KEY", key))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPENAI_API_KEY")
        .hasMessageNotContaining("SECRET")
        .hasMessageNotContaining("is not set");
  }

  @Test
  void acceptsAKeyWithSurroundingWhitespace() {
    OpenAiProvider provider = OpenAiProvider.builder().apiKey("  sk-abc\n").build();

    assertThat(provider.baseUrl()).isEqualTo(OpenAiProvider.DEFAULT_BASE_URL);
    provider.close();
  }
}
