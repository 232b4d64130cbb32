package dev.openaiconnector.openai;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.util.Locale;
import java.util.Set;

/**
 * Creates the OpenAI provider from settings with the names OpenAI's own SDKs use: {@code
 * OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}, and
 * {@code OPENAI_MAX_TOKENS_FIELD} ({@code max_completion_tokens} or {@code max_tokens}). Found by
 * the core through {@link java.util.ServiceLoader}.
 */
public final class OpenAiProviderFactory implements ProviderFactory {
  /** Creates the factory; the core calls this through the service loader. */
  public OpenAiProviderFactory() {}

  @Override
  public String id() {
    return OpenAiProvider.ID;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Set<Capability> capabilities() {
    return OpenAiProvider.CAPABILITIES;
  }

  @Override
  public OpenAiProvider create(ProviderSettings settings) {
    OpenAiProvider.Builder builder = OpenAiProvider.builder();
    settings.get("OPENAI_API_KEY").ifPresent(builder::apiKey);
    settings.get("OPENAI_BASE_URL").ifPresent(builder::baseUrl);
    settings.get("OPENAI_ORG_ID").ifPresent(builder::organization);
    settings.get("OPENAI_PROJECT_ID").ifPresent(builder::project);
    settings
        .get("OPENAI_MAX_TOKENS_FIELD")
        .ifPresent(field -> builder.maxTokensField(maxTokensField(field)));
    return builder.build();
  }

  private static MaxTokensField maxTokensField(String value) {
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "max_completion_tokens":
        return MaxTokensField.MAX_COMPLETION_TOKENS;
      case "max_tokens":
        return MaxTokensField.MAX_TOKENS;
      default:
        throw new dev.openaiconnector.api.ConfigurationException(
            "OPENAI_MAX_TOKENS_FIELD must be max_completion_tokens or max_tokens, was '"
                + value
                + "'",
            null);
    }
  }
}
