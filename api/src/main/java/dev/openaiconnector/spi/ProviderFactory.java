package dev.openaiconnector.spi;

import java.util.Set;

/**
 * Creates a {@link Provider}; found by the core through {@link java.util.ServiceLoader}.
 *
 * <p>Register an implementation in {@code
 * META-INF/services/dev.openaiconnector.spi.ProviderFactory}. It needs a public no-argument
 * constructor and must be cheap to instantiate: the core instantiates every factory on the class
 * path to read its id, even the ones it will not use.
 */
public interface ProviderFactory {
  /** The SPI version of this library; a factory built for another major version is refused. */
  int SPI_VERSION = 1;

  /**
   * Returns the provider's id, unique on the class path.
   *
   * @return a short lower-case id, for example {@code openai} or {@code azure}
   */
  String id();

  /**
   * Returns the SPI version the factory was written against; return {@link #SPI_VERSION}.
   *
   * @return the SPI version
   */
  int spiVersion();

  /**
   * Returns what the providers this factory creates can do.
   *
   * @return the capabilities
   */
  Set<Capability> capabilities();

  /**
   * Creates a provider.
   *
   * @param settings where to read the API key, base URL and other settings
   * @return the provider, never null
   * @throws dev.openaiconnector.api.ConfigurationException if a required setting is missing or
   *     invalid; the message names the setting
   */
  Provider create(ProviderSettings settings);
}
