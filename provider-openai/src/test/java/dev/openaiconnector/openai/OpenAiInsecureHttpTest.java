package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.spi.ProviderSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain http is refused off the loopback unless allowed, and the refusal says how to allow it. */
class OpenAiInsecureHttpTest {
  private static final String KEY = "sk-proj-INSECUREkey0123456789";

  private static ProviderSettings settings(Map<String, String> values) {
    return name -> Optional.ofNullable(values.get(name));
  }

  @Test
  void refusesPlainHttpToAnotherHost() {
    assertThatThrownBy(
            () -> OpenAiProvider.builder().apiKey(KEY).baseUrl("http://llm.example.com:8080/v1").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("llm.example.com")
        .hasMessageContaining("allowInsecureHttp(true)")
        .hasMessageContaining("OPENAI_ALLOW_INSECURE_HTTP=true")
        .message()
        .doesNotContain(KEY)
        .doesNotContain("INSECUREkey");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:11434/v1",
        "http://LOCALHOST/v1",
        "http://127.0.0.1:8080/v1",
        "http://127.1.2.3/v1",
        "http://[::1]:8080/v1",
        "https://llm.example.com/v1"
      })
  void allowsLoopbackAndHttps(String url) {
    try (OpenAiProvider provider = OpenAiProvider.builder().apiKey(KEY).baseUrl(url).build()) {
      assertThat(provider.baseUrl()).hasToString(url);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://10.0.0.5/v1", "http://128.0.0.1/v1", "http://localhost.evil.com/v1"})
  void refusesAddressesThatOnlyLookLocal(String url) {
    assertThatThrownBy(() -> OpenAiProvider.builder().apiKey(KEY).baseUrl(url).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("plain http");
  }

  @Test
  void allowsPlainHttpWhenAllowedInCode() {
    try (OpenAiProvider provider =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl("http://llm.internal:8080/v1")
            .allowInsecureHttp(true)
            .build()) {
      assertThat(provider.baseUrl()).hasToString("http://llm.internal:8080/v1");
    }
  }

  @Test
  void allowsPlainHttpWhenAllowedByTheEnvironment() {
    Map<String, String> values =
        Map.of("OPENAI_BASE_URL", "http://llm.internal/v1", "OPENAI_ALLOW_INSECURE_HTTP", "TRUE");
    try (OpenAiProvider provider = new OpenAiProviderFactory().create(settings(values))) {
      assertThat(provider.baseUrl()).hasToString("http://llm.internal/v1");
    }
    assertThatThrownBy(
            () ->
                new OpenAiProviderFactory()
                    .create(
                        settings(
                            Map.of(
                                "OPENAI_BASE_URL", "http://llm.internal/v1",
                                "OPENAI_ALLOW_INSECURE_HTTP", "false"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("llm.internal");
    assertThatThrownBy(
            () ->
                new OpenAiProviderFactory()
                    .create(settings(Map.of("OPENAI_API_KEY", KEY, "OPENAI_LOG_BODIES", "yes"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OPENAI_LOG_BODIES must be true or false");
  }
}
