package dev.openaiconnector.spi;

import java.util.Optional;

/**
 * The settings a {@link ProviderFactory} reads to configure its provider, by the environment
 * variable names users already know ({@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, ...).
 *
 * <p>Values set in the connector's builder win over the process environment. Thread-safe.
 */
@FunctionalInterface
public interface ProviderSettings {
  /**
   * Returns a setting.
   *
   * @param name the setting's name, for example {@code OPENAI_API_KEY}
   * @return the value, or empty when unset or blank
   */
  Optional<String> get(String name);
}
