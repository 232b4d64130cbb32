package dev.openaiconnector.examples;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Secret;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.net.URI;
import java.util.Set;

/**
 * Makes {@link AcmeProvider} discoverable: registered in {@code
 * META-INF/services/dev.openaiconnector.spi.ProviderFactory}, it is chosen with {@code
 * Connectors.builder().providerId("acme")} and reads {@code ACME_BASE_URL} and {@code
 * ACME_API_KEY}.
 */
public final class AcmeProviderFactory implements ProviderFactory {
  /** Created by {@link java.util.ServiceLoader}. */
  public AcmeProviderFactory() {}

  @Override
  public String id() {
    return AcmeProvider.ID;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Set<Capability> capabilities() {
    return AcmeProvider.CAPABILITIES;
  }

  @Override
  public AcmeProvider create(ProviderSettings settings) {
    String baseUrl = settings.get("ACME_BASE_URL").orElseThrow(
        () -> new ConfigurationException(
            "ACME_BASE_URL is not set; set it to the Acme server's base URL, such as"
                + " https://llm.acme.example/v1",
            null));
    String key = settings.get("ACME_API_KEY").orElseThrow(
        () -> new ConfigurationException("ACME_API_KEY is not set; set it to your Acme key", null));
    return AcmeProvider.create(URI.create(baseUrl), Secret.of(key));
  }
}
