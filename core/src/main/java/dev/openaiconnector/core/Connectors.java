package dev.openaiconnector.core;

import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.SessionStore;
import dev.openaiconnector.api.UsageListener;
import dev.openaiconnector.core.internal.LayeredProviderSettings;
import dev.openaiconnector.core.internal.ProviderConnector;
import dev.openaiconnector.core.internal.ProviderDiscovery;
import dev.openaiconnector.core.internal.ResilientCalls;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.spi.ProviderFactory;
import dev.openaiconnector.spi.ProviderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
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
 *
 * <p>Every remote call of the connector is retried, bounded by deadlines and guarded by a circuit
 * breaker and a bulkhead as {@link Builder#resilience(ResilienceOptions)} says ({@link
 * ResilienceOptions#defaults()} unless set), observed by the {@link Builder#listener(CallListener)
 * listeners}, and logged in one DEBUG line on the logger {@code
 * dev.openaiconnector.core.internal.ResilientCalls}: operation, model, provider, outcome, latency,
 * request id and retries, never a prompt, an answer or a key. The outcome {@code ok} means the
 * provider answered with success (a 2xx status; for a stream, its whole response arrived); a
 * failure shows its exception's simple name and HTTP status, such as {@code ServerException(503)}.
 *
 * <p>Embeddings requests are cut into batches that run in parallel as {@link
 * Builder#embeddings(EmbeddingOptions)} says; each batch is one such call, retried on its own.
 *
 * <p>{@link Connector#checkConnection()} calls each operation the provider declares with a small
 * model ({@link Builder#checkModel(Operation, String)}): chat and streams, and embeddings (one
 * input). Image generation is checked only when a check model was set for {@link
 * Operation#IMAGES}, because every generated image is paid for.
 */
public final class Connectors {
  /** The setting, and environment variable, that names the provider to use. */
  public static final String PROVIDER_SETTING = ProviderDiscovery.PROVIDER_SETTING;

  /** The model the connection check calls for chat and streams unless told otherwise. */
  public static final String DEFAULT_CHECK_MODEL = "gpt-4o-mini";

  /** The model the connection check calls for embeddings unless told otherwise. */
  public static final String DEFAULT_EMBEDDINGS_CHECK_MODEL = "text-embedding-3-small";

  /** The deadline of each connection check's call unless told otherwise. */
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);

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
    private final List<CallListener> callListeners = new ArrayList<>();
    private ToolLoopOptions toolLoop = ToolLoopOptions.defaults();
    private ResilienceOptions resilience = ResilienceOptions.defaults();
    private EmbeddingOptions embeddings = EmbeddingOptions.defaults();
    private final Map<Operation, String> checkModels = new EnumMap<>(Operation.class);
    private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
    private Function<String, @Nullable String> environment = System::getenv;
    private ResilientCalls.Sleeper sleeper = ResilientCalls.Sleeper.THREAD_SLEEP;
    private DoubleSupplier random = ResilientCalls.RANDOM;

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
     * Adds a listener told about every remote call: its start, each retry, its success or failure,
     * then its usage, in the order {@link CallListener} documents. It is also added as a {@link
     * #usageListener(UsageListener) usage listener}. Listeners are called in the order they were
     * added; one that throws is logged (its exception's class, not its message) and skipped. For
     * OpenTelemetry GenAI metrics, add {@link GenAiMetrics#of GenAiMetrics.of(meterRegistry)}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CallListener listener) {
      Objects.requireNonNull(listener, "listener");
      callListeners.add(listener);
      usageListeners.add(listener);
      return this;
    }

    /**
     * Sets retries, deadlines, the circuit breaker, the bulkhead and the client-side rate limiter;
     * by default {@link ResilienceOptions#defaults()}.
     *
     * @param resilience the options
     * @return this builder
     */
    public Builder resilience(ResilienceOptions resilience) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /**
     * Sets how embeddings requests are cut into batches (inputs and estimated tokens per request)
     * and how many batches of one request run at once; by default {@link
     * EmbeddingOptions#defaults()}.
     *
     * @param embeddings the options
     * @return this builder
     */
    public Builder embeddings(EmbeddingOptions embeddings) {
      this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
      return this;
    }

    /**
     * Sets the model (for Azure, the deployment) that {@link Connector#checkConnection()} calls to
     * check an operation. By default {@value Connectors#DEFAULT_CHECK_MODEL} for {@link
     * Operation#CHAT}, and {@value Connectors#DEFAULT_EMBEDDINGS_CHECK_MODEL} for {@link
     * Operation#EMBEDDINGS} (one input, {@code "ping"}); {@link Operation#CHAT_STREAM} uses the
     * chat model unless set.
     *
     * <p>{@link Operation#IMAGES} has no default: image generation is checked only once a model is
     * set here, because every image is paid for. The check then asks for the cheapest image the
     * model makes: one image ({@code n = 1}), at 256x256 for {@code dall-e-2}, at low quality for
     * {@code gpt-image-*}, at the defaults (standard, 1024x1024) for {@code dall-e-3}.
     *
     * @param operation the operation checked
     * @param model the model
     * @return this builder
     * @throws IllegalArgumentException if {@code model} is blank
     */
    public Builder checkModel(Operation operation, String model) {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(model, "model");
      if (model.isBlank()) {
        throw new IllegalArgumentException(
            "checkModel for " + operation + " must not be blank, for example \"gpt-4o-mini\"");
      }
      checkModels.put(operation, model.strip());
      return this;
    }

    /**
     * Sets the deadline of each call {@link Connector#checkConnection()} makes; by default 30
     * seconds. Check calls are never retried.
     *
     * @param checkTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder checkTimeout(Duration checkTimeout) {
      Objects.requireNonNull(checkTimeout, "checkTimeout");
      if (checkTimeout.isNegative() || checkTimeout.isZero()) {
        throw new IllegalArgumentException("checkTimeout must be positive, was " + checkTimeout);
      }
      this.checkTimeout = checkTimeout;
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

    /**
     * Sets where the settings not given with {@link #setting(String, String)} are read, by their
     * environment variable names ({@code OPENAI_API_KEY}, {@code AZURE_OPENAI_ENDPOINT}, {@value
     * #PROVIDER_SETTING}, ...); {@code System::getenv} unless set. For a test that must not depend
     * on the machine it runs on ({@code Map.of(...)::get}), or for the application's own
     * configuration, for example Spring's {@code environment::getProperty} or a secrets store. A
     * blank or null value counts as unset.
     *
     * @param environment returns the value of a setting, or null when it is not set
     * @return this builder
     */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    // Lets tests record the waits between attempts instead of sleeping, and fix the jitter.
    Builder waits(ResilientCalls.Sleeper sleeper, DoubleSupplier random) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      this.random = Objects.requireNonNull(random, "random");
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
        Map<Operation, String> models = new EnumMap<>(checkModels);
        models.putIfAbsent(Operation.CHAT, DEFAULT_CHECK_MODEL);
        models.putIfAbsent(Operation.EMBEDDINGS, DEFAULT_EMBEDDINGS_CHECK_MODEL);
        return new ProviderConnector(
            chosen,
            new ProviderConnector.Settings(
                store,
                usageListeners,
                callListeners,
                toolLoop,
                resilience,
                embeddings,
                models,
                checkTimeout,
                sleeper,
                random));
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
