package dev.openaiconnector.core.internal;

import dev.openaiconnector.spi.ProviderSettings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Provider settings read from the values set on the connector's builder first and from the process
 * environment second; a blank value counts as unset in both. Thread-safe.
 */
public final class LayeredProviderSettings implements ProviderSettings {
  private final Map<String, String> explicit;
  private final Function<String, @Nullable String> environment;

  /**
   * Creates the settings.
   *
   * @param explicit the values set on the builder, by name
   * @param environment looks a name up in the environment, returning null when unset
   */
  public LayeredProviderSettings(
      Map<String, String> explicit, Function<String, @Nullable String> environment) {
    this.explicit = Map.copyOf(Objects.requireNonNull(explicit, "explicit"));
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public Optional<String> get(String name) {
    Objects.requireNonNull(name, "name");
    String value = explicit.get(name);
    if (value == null || value.isBlank()) {
      value = environment.apply(name);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  // Names only: values may be API keys.
  @Override
  public String toString() {
    return "ProviderSettings[set on the builder: " + new TreeSet<>(explicit.keySet()) + "]";
  }
}
