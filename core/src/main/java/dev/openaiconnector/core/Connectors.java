package dev.openaiconnector.core;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.UsageListener;
import dev.openaiconnector.core.internal.LayeredProviderSettings;
import dev.openaiconnector.core.internal.ProviderConnector;
import dev.openaiconnector.core.internal.ProviderDiscovery;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link Connector}s.
 *
 * <p>The provider is chosen by these rules, first match wins:
 *
 * <ol>
 *   <li>an instance passed to {@link Builder#provider(Provider)};
 *   <li>the id passed to {@link Builder#providerId(String)};
 *   <li>the id in the setting or environment variable {@value #PROVIDER_SETTING};
 *   <li>the only {@link ProviderFactory} registered on the class path.
 * </ol>
 *
 * <p>Otherwise {@link Builder#build()} throws a {@link ConfigurationException} that lists the
 * providers found, including those that could not be loaded, and says how to choose.
 */
public final class Connectors {
  /** The setting, and environment variable, that names the provider to use. */
  public static final String PROVIDER_SETTING = ProviderDiscovery.PROVIDER_SETTING;

  private Connectors() {}

  /**
   * Starts a connector.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a connector from the environment alone: the provider found on the class path (or named
   * by {@value #PROVIDER_SETTING}), configured by its environment variables such as {@code
   * OPENAI_API_KEY}. The same as {@code builder().build()}.
   *
   * @return the connector
   * @throws ConfigurationException if no provider can be chosen or configured
   */
  public static Connector fromEnvironment() {
    return builder().build();
  }

  /** Builds a {@link Connector}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Provider provider;
    private @Nullable String providerId;
    private final Map<String, String> settings = new HashMap<>();
    private @Nullable ClassLoader classLoader;
    private @Nullable SessionStore sessionStore;
    private final List<UsageListener> usageListeners = new ArrayList<>();
    private ToolLoopOptions toolLoop = ToolLoopOptions.defaults();
    private Function<String, @Nullable String> environment = System::getenv;

    private Builder() {}

    /**
     * Uses this provider instance, skipping discovery. The connector owns it and closes it.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Chooses the provider by the id of its factory, among those registered on the class path.
     *
     * @param providerId the id, for example {@code openai}
     * @return this builder
     * @throws IllegalArgumentException if {@code providerId} is blank
     */
    public Builder providerId(String providerId) {
      Objects.requireNonNull(providerId, "providerId");
      if (providerId.isBlank()) {
        throw new IllegalArgumentException("providerId must not be blank, for example \"openai\"");
      }
      this.providerId = providerId.strip();
      return this;
    }

    /**
     * Sets a provider setting by its environment variable name, for example {@code OPENAI_API_KEY};
     * it wins over the environment variable. A blank value counts as unset.
     *
     * @param name the setting's name
     * @param value the value; never logged
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder setting(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank()) {
        throw new IllegalArgumentException(
            "setting name must not be blank, for example \"OPENAI_API_KEY\"");
      }
      settings.put(name.strip(), value);
      return this;
    }

    /**
     * Sets the class loader searched for provider registrations; by default the thread's context
     * class loader, else the one that loaded this library.
     *
     * @param classLoader the class loader
     * @return this builder
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * Sets where sessions keep their history; by default a new {@link InMemorySessionStore}.
     *
     * @param sessionStore the store
     * @return this builder
     */
    public Builder sessionStore(SessionStore sessionStore) {
      this.sessionStore = Objects.requireNonNull(sessionStore, "sessionStore");
      return this;
    }

    /**
     * Adds a listener told about the usage of every successful call; listeners are called in the
     * order they were added.
     *
     * @param usageListener the listener
     * @return this builder
     */
    public Builder usageListener(UsageListener usageListener) {
      usageListeners.add(Objects.requireNonNull(usageListener, "usageListener"));
      return this;
    }

    /**
     * Sets how the connector runs the tool calls the model asks for: limits, failure handling,
     * hooks and threads; by default {@link ToolLoopOptions#defaults()}.
     *
     * @param toolLoop the options
     * @return this builder
     */
    public Builder toolLoop(ToolLoopOptions toolLoop) {
      this.toolLoop = Objects.requireNonNull(toolLoop, "toolLoop");
      return this;
    }

    // Lets tests replace System.getenv, so they do not depend on the machine they run on.
    Builder environment(Function<String, @Nullable String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Chooses the provider, creates it and builds the connector.
     *
     * @return the connector
     * @throws ConfigurationException if no provider can be chosen or the chosen one cannot be
     *     created; the message says what was found and what to change
     */
    public Connector build() {
      Provider chosen = provider != null ? provider : discoverProvider();
      SessionStore store = sessionStore != null ? sessionStore : new InMemorySessionStore();
      try {
        return new ProviderConnector(chosen, store, usageListeners, toolLoop);
      } catch (RuntimeException e) {
        // A discovered provider belongs to no one else yet: close its HTTP client and threads.
        if (provider == null) {
          chosen.close();
        }
        throw e;
      }
    }

    private Provider discoverProvider() {
      ProviderSettings providerSettings = new LayeredProviderSettings(settings, environment);
      String requestedId = providerId;
      String requestedBy = "Connectors.builder().providerId(\"" + requestedId + "\")";
      if (requestedId == null) {
        requestedId = providerSettings.get(PROVIDER_SETTING).orElse(null);
        requestedBy = "the setting or environment variable " + PROVIDER_SETTING;
      }
      ProviderDiscovery discovery = ProviderDiscovery.scan(effectiveClassLoader());
      ProviderFactory factory = discovery.select(requestedId, requestedBy);
      return ProviderDiscovery.create(factory, providerSettings);
    }

    private ClassLoader effectiveClassLoader() {
      if (classLoader != null) {
        return classLoader;
      }
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      return context != null ? context : Connectors.class.getClassLoader();
    }
  }
}
