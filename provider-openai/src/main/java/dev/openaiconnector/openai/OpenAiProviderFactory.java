package dev.openaiconnector.openai;

import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Creates the OpenAI provider from settings with the names OpenAI's own SDKs use: {@code
 * OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}, and
 * {@code OPENAI_MAX_TOKENS_FIELD} ({@code max_completion_tokens} or {@code max_tokens}), and {@code
 * OPENAI_STREAM_IDLE_TIMEOUT} (seconds, such as {@code 90} or {@code 2.5}, or an ISO-8601 duration
 * such as {@code PT90S}), {@code OPENAI_ALLOW_INSECURE_HTTP} ({@code true} allows plain {@code
 * http://} to a host other than the loopback, see {@link
 * OpenAiProvider.Builder#allowInsecureHttp(boolean)}) and {@code OPENAI_LOG_BODIES} ({@code true}
 * logs bodies, see {@link OpenAiProvider.Builder#logBodies(boolean)}). Found by the core through
 * {@link java.util.ServiceLoader}.
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
    settings
        .get("OPENAI_STREAM_IDLE_TIMEOUT")
        .ifPresent(timeout -> builder.streamIdleTimeout(duration(timeout)));
    settings
        .get("OPENAI_ALLOW_INSECURE_HTTP")
        .ifPresent(allow -> builder.allowInsecureHttp(flag("OPENAI_ALLOW_INSECURE_HTTP", allow)));
    settings
        .get("OPENAI_LOG_BODIES")
        .ifPresent(log -> builder.logBodies(flag("OPENAI_LOG_BODIES", log)));
    return builder.build();
  }

  private static boolean flag(String name, String value) {
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new dev.openaiconnector.api.ConfigurationException(
            name + " must be true or false, was '" + value + "'", null);
    }
  }

  private static Duration duration(String value) {
    String trimmed = value.strip();
    try {
      if (trimmed.matches("\\d+(\\.\\d+)?")) {
        return Duration.ofNanos(new BigDecimal(trimmed).movePointRight(9).longValueExact());
      }
      return Duration.parse(trimmed);
    } catch (ArithmeticException | DateTimeParseException e) {
      throw new dev.openaiconnector.api.ConfigurationException(
          "OPENAI_STREAM_IDLE_TIMEOUT must be seconds (such as 90) or an ISO-8601 duration (such"
              + " as PT90S), was '"
              + value
              + "'",
          null);
    }
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
