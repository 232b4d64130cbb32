package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProviderFactory} implementations registered on a class path, and the rules that choose
 * one of them: an explicit id, else the only one found, else an error that lists what was found and
 * says how to choose.
 *
 * <p>Each registration is loaded on its own, so a broken provider jar is logged and reported in the
 * error messages instead of failing the discovery of the others.
 */
public final class ProviderDiscovery {
  /** The setting, and environment variable, that names the provider to use. */
  public static final String PROVIDER_SETTING = "OPENAI_CONNECTOR_PROVIDER";

  private static final Logger log = LoggerFactory.getLogger(ProviderDiscovery.class);

  // An unreadable service file fails the same way on every attempt: stop rather than spin.
  private static final int MAX_FAILED_ENTRIES = 100;

  private static final String ADD_A_PROVIDER =
      "Add one, for example the Maven dependency"
          + " dev.openaiconnector:openai-connector-provider-openai, or pass a provider instance"
          + " with Connectors.builder().provider(...).";

  private final Map<String, ProviderFactory> usable = new LinkedHashMap<>();
  private final Map<String, List<String>> classesById = new LinkedHashMap<>();
  private final List<Refusal> refused = new ArrayList<>();
  private final List<String> broken = new ArrayList<>();

  private ProviderDiscovery() {}

  /**
   * Loads every factory registered for {@link java.util.ServiceLoader} on a class loader.
   *
   * @param classLoader where to look for {@code META-INF/services} registrations
   * @return what was found, loaded or not
   */
  public static ProviderDiscovery scan(ClassLoader classLoader) {
    Objects.requireNonNull(classLoader, "classLoader");
    ProviderDiscovery discovery = new ProviderDiscovery();
    Iterator<ProviderFactory> factories =
        ServiceLoader.load(ProviderFactory.class, classLoader).iterator();
    int failures = 0;
    while (failures < MAX_FAILED_ENTRIES) {
      ProviderFactory factory;
      try {
        if (!factories.hasNext()) {
          break;
        }
        factory = factories.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        failures++;
        discovery.addBroken(describe(e), e);
        continue;
      }
      discovery.add(factory);
    }
    return discovery;
  }

  /**
   * Creates a provider with a factory, turning any failure into a configuration error.
   *
   * @param factory the chosen factory
   * @param settings the settings to hand it
   * @return the provider
   * @throws ConfigurationException if the factory fails or returns nothing
   */
  public static Provider create(ProviderFactory factory, ProviderSettings settings) {
    String name =
        "Provider factory " + factory.getClass().getName() + " (id '" + factory.id() + "')";
    Provider provider;
    try {
      provider = factory.create(settings);
    } catch (ConnectorException e) {
      throw e;
    } catch (RuntimeException e) {
      // A factory may have quoted a setting's value (a key) in its message: neither this message
      // nor the chained cause carries it, only the class and the stack trace.
      ConfigurationException failure =
          new ConfigurationException(
              name + " failed to create its provider with " + e.getClass().getName(), null);
      failure.setStackTrace(e.getStackTrace());
      throw failure;
    }
    if (provider == null) {
      throw new ConfigurationException(
          name + " returned no provider; report it to its author", null);
    }
    log.debug("Using provider '{}' from {}", provider.id(), factory.getClass().getName());
    return provider;
  }

  /**
   * Chooses the factory to use.
   *
   * @param requestedId the id the user asked for, or null to take the only one found
   * @param requestedBy where the id came from, quoted in error messages
   * @return the factory
   * @throws ConfigurationException if no factory, several factories, or a broken or refused factory
   *     matches; the message lists what was found and how to choose
   */
  public ProviderFactory select(@Nullable String requestedId, String requestedBy) {
    if (requestedId != null) {
      return selectById(requestedId, requestedBy);
    }
    if (usable.isEmpty()) {
      throw new ConfigurationException(
          "No OpenAI Connector provider found on the class path. " + ADD_A_PROVIDER + notUsable(),
          null);
    }
    if (usable.size() > 1) {
      String example = usable.keySet().iterator().next();
      throw new ConfigurationException(
          "Several OpenAI Connector providers found: "
              + found()
              + ". Choose one with Connectors.builder().providerId(\""
              + example
              + "\") or the setting or environment variable "
              + PROVIDER_SETTING
              + "="
              + example
              + "."
              + notUsable(),
          null);
    }
    return selectById(usable.keySet().iterator().next(), "the only provider found");
  }

  private ProviderFactory selectById(String id, String requestedBy) {
    List<String> classes = classesById.get(id);
    if (classes != null && classes.size() > 1) {
      throw new ConfigurationException(
          "Provider id '"
              + id
              + "' is declared by several factories: "
              + String.join(", ", classes)
              + ". Keep only one of them on the class path (two versions of the same provider jar"
              + " are the usual cause).",
          null);
    }
    ProviderFactory factory = usable.get(id);
    if (factory != null) {
      return factory;
    }
    for (Refusal refusal : refused) {
      if (refusal.id().equals(id)) {
        throw new ConfigurationException(refusal.description(), null);
      }
    }
    String available =
        usable.isEmpty()
            ? " No provider was found on the class path. " + ADD_A_PROVIDER
            : " Available: " + found() + ".";
    throw new ConfigurationException(
        "No OpenAI Connector provider with id '"
            + id
            + "' (requested by "
            + requestedBy
            + ")."
            + available
            + notUsable(),
        null);
  }

  private void add(ProviderFactory factory) {
    String className = factory.getClass().getName();
    String id;
    int spiVersion;
    try {
      id = factory.id();
      spiVersion = factory.spiVersion();
    } catch (RuntimeException e) {
      addBroken(className + " failed to report its id or SPI version: " + e, e);
      return;
    }
    if (id == null || id.isBlank()) {
      addBroken(className + " reports no id", null);
      return;
    }
    if (spiVersion != ProviderFactory.SPI_VERSION) {
      String description =
          "Provider factory "
              + className
              + " (id '"
              + id
              + "') was written for SPI version "
              + spiVersion
              + ", but this openai-connector-core supports SPI version "
              + ProviderFactory.SPI_VERSION
              + "; use the provider release that matches openai-connector-core.";
      log.warn("Refusing a provider factory: {}", description);
      refused.add(new Refusal(id, description));
      return;
    }
    List<String> classes = classesById.computeIfAbsent(id, key -> new ArrayList<>(1));
    classes.add(className);
    usable.putIfAbsent(id, factory);
    if (classes.size() > 1) {
      log.warn("Provider id '{}' is declared by several factories: {}", id, classes);
    }
  }

  private void addBroken(String description, @Nullable Throwable failure) {
    log.warn("Skipping a provider factory that could not be loaded: {}", description, failure);
    broken.add(description);
  }

  private String found() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, List<String>> entry : classesById.entrySet()) {
      for (String className : entry.getValue()) {
        text.append(text.length() == 0 ? "" : ", ")
            .append(entry.getKey())
            .append(" (")
            .append(className)
            .append(')');
      }
    }
    return text.toString();
  }

  private String notUsable() {
    if (broken.isEmpty() && refused.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder(" Found but not usable: ");
    String separator = "";
    for (String description : broken) {
      text.append(separator).append(description);
      separator = "; ";
    }
    for (Refusal refusal : refused) {
      text.append(separator).append(refusal.description());
      separator = "; ";
    }
    return text.toString();
  }

  private static String describe(Throwable failure) {
    // The loader's own message already names the service and the class; a linkage error's
    // message alone may only name a missing dependency, so keep its type.
    String what =
        failure instanceof ServiceConfigurationError && failure.getMessage() != null
            ? failure.getMessage()
            : failure.toString();
    Throwable cause = failure.getCause();
    return cause == null ? what : what + " (caused by " + cause + ")";
  }

  private record Refusal(String id, String description) {}
}
