package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LayeredProviderSettingsTest {
  private final Map<String, String> environment =
      Map.of(
          "OPENAI_API_KEY", "sk-env", "OPENAI_BASE_URL", "  https://env.example \n", "EMPTY", " ");

  @Test
  void builderValuesWinOverTheEnvironment() {
    LayeredProviderSettings settings =
        new LayeredProviderSettings(Map.of("OPENAI_API_KEY", "sk-builder"), environment::get);

    assertThat(settings.get("OPENAI_API_KEY")).contains("sk-builder");
    assertThat(settings.get("OPENAI_BASE_URL")).contains("https://env.example");
  }

  @Test
  void blankValuesCountAsUnset() {
    LayeredProviderSettings settings =
        new LayeredProviderSettings(Map.of("OPENAI_API_KEY", " ", "OTHER", ""), environment::get);

    assertThat(settings.get("OPENAI_API_KEY")).contains("sk-env");
    assertThat(settings.get("OTHER")).isEmpty();
    assertThat(settings.get("EMPTY")).isEmpty();
    assertThat(settings.get("UNSET")).isEmpty();
  }

  @Test
  void toStringNamesTheSettingsButNeverTheirValues() {
    LayeredProviderSettings settings =
        new LayeredProviderSettings(Map.of("OPENAI_API_KEY", "sk-builder"), environment::get);

    assertThat(settings.toString()).contains("OPENAI_API_KEY").doesNotContain("sk-");
  }
}
