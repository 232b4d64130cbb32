package dev.openaiconnector.testkit.internal;

import dev.openaiconnector.api.Connector;
import dev.openaiconnector.spi.Provider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Connector} through {@code dev.openaiconnector.core.Connectors.builder()} found at
 * run time: the testkit cannot depend on the core or a provider (their tests depend on the
 * testkit), but a user's test class path has them. The one place that knows their names.
 */
public final class ReflectiveConnectors {
  static final String CONNECTORS = "dev.openaiconnector.core.Connectors";
  static final String OPENAI_FACTORY = "dev.openaiconnector.openai.OpenAiProviderFactory";
  static final String AZURE_FACTORY = "dev.openaiconnector.azure.AzureOpenAiProviderFactory";

  private static final ServerProvider OPENAI =
      new ServerProvider(
          "openai",
          OPENAI_FACTORY,
          "openai-connector-provider-openai",
          "the OpenAI provider",
          "the FakeOpenAiServer",
          "use FakeOpenAiExtension.provider() for a Connector over a FakeProvider");
  private static final ServerProvider AZURE =
      new ServerProvider(
          "azure",
          AZURE_FACTORY,
          "openai-connector-provider-azure",
          "the Azure OpenAI provider",
          "the FakeOpenAiServer in Azure mode",
          "ask only for the fake");

  private ReflectiveConnectors() {}

  /**
   * A connector over a provider instance: {@code Connectors.builder().provider(provider)}.
   *
   * @param provider the provider, which the connector then owns and closes
   * @param customizers changes to the builder, each run if the builder is of its type
   * @param loader where to find the core
   * @return the connector
   * @throws IllegalStateException if the core is not on the class path
   */
  public static Connector forProvider(
      Provider provider, List<Customizer<?>> customizers, ClassLoader loader) {
    Objects.requireNonNull(provider, "provider");
    Object builder = builder(loader, "a FakeProvider");
    invoke(builder, "provider", new Class<?>[] {Provider.class}, provider);
    return build(builder, customizers);
  }

  /**
   * A connector over the OpenAI provider pointed at a server: {@code
   * Connectors.builder().providerId("openai").setting("OPENAI_BASE_URL", ...)...}.
   *
   * @param settings the provider settings, such as {@code OPENAI_BASE_URL} and {@code
   *     OPENAI_API_KEY}
   * @param customizers changes to the builder, each run if the builder is of its type
   * @param loader where to find the core and the OpenAI provider
   * @return the connector
   * @throws IllegalStateException if the core or the OpenAI provider is not on the class path
   */
  public static Connector forOpenAi(
      Map<String, String> settings, List<Customizer<?>> customizers, ClassLoader loader) {
    return forServer(OPENAI, settings, customizers, loader);
  }

  /**
   * A connector over the Azure OpenAI provider pointed at a server in Azure mode: {@code
   * Connectors.builder().providerId("azure").setting("AZURE_OPENAI_ENDPOINT", ...)...}.
   *
   * @param settings the provider settings, such as {@code AZURE_OPENAI_ENDPOINT} and {@code
   *     AZURE_OPENAI_API_KEY}
   * @param customizers changes to the builder, each run if the builder is of its type
   * @param loader where to find the core and the Azure OpenAI provider
   * @return the connector
   * @throws IllegalStateException if the core or the Azure OpenAI provider is not on the class
   *     path
   */
  public static Connector forAzure(
      Map<String, String> settings, List<Customizer<?>> customizers, ClassLoader loader) {
    return forServer(AZURE, settings, customizers, loader);
  }

  private static Connector forServer(
      ServerProvider provider,
      Map<String, String> settings,
      List<Customizer<?>> customizers,
      ClassLoader loader) {
    // Both looked up first, so that a test class path missing both hears about both at once.
    boolean core = isPresent(CONNECTORS, loader);
    boolean factory = isPresent(provider.factory(), loader);
    if (!core || !factory) {
      throw new IllegalStateException(missing(provider, core, factory));
    }
    Object builder = builder(loader, provider.wiredTo());
    invoke(builder, "classLoader", new Class<?>[] {ClassLoader.class}, loader);
    invoke(builder, "providerId", new Class<?>[] {String.class}, provider.id());
    // The process environment is left out: a developer's OPENAI_BASE_URL or
    // AZURE_OPENAI_DEPLOYMENTS must not reach a connector wired to the fake server. What a test
    // needs it sets with connectorSetting(...).
    Function<String, @Nullable String> noEnvironment = name -> null;
    invoke(builder, "environment", new Class<?>[] {Function.class}, noEnvironment);
    settings.forEach(
        (name, value) ->
            invoke(builder, "setting", new Class<?>[] {String.class, String.class}, name, value));
    return build(builder, customizers);
  }

  private static boolean isPresent(String className, ClassLoader loader) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static String missing(ServerProvider provider, boolean core, boolean factory) {
    String start = "A Connector wired to " + provider.wiredTo() + " needs ";
    if (!core && !factory) {
      return start
          + "the core and "
          + provider.name()
          + " on the test class path: add the test dependencies"
          + " dev.openaiconnector:openai-connector-core and dev.openaiconnector:"
          + provider.artifact()
          + ", or ask only for the fake";
    }
    if (!core) {
      return start
          + "the core on the test class path: add the test dependency"
          + " dev.openaiconnector:openai-connector-core, or ask only for the fake";
    }
    return start
        + provider.name()
        + " on the test class path: add the test dependency dev.openaiconnector:"
        + provider.artifact()
        + ", or "
        + provider.otherwise();
  }

  private static Object builder(ClassLoader loader, String wiredTo) {
    Class<?> connectors;
    try {
      connectors = Class.forName(CONNECTORS, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "A Connector wired to "
              + wiredTo
              + " needs the core on the test class path: add the test dependency"
              + " dev.openaiconnector:openai-connector-core, or ask only for the fake",
          e);
    }
    try {
      return call(connectors.getMethod("builder"), null);
    } catch (NoSuchMethodException e) {
      throw mismatch(e);
    }
  }

  private static Connector build(Object builder, List<Customizer<?>> customizers) {
    for (Customizer<?> customizer : customizers) {
      customizer.applyIfMatching(builder);
    }
    Object connector = invoke(builder, "build", new Class<?>[0]);
    return (Connector) connector;
  }

  private static Object invoke(Object target, String name, Class<?>[] types, Object... args) {
    try {
      return call(target.getClass().getMethod(name, types), target, args);
    } catch (NoSuchMethodException e) {
      throw mismatch(e);
    }
  }

  private static Object call(Method method, @Nullable Object target,
      Object... args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      // The core's own exceptions (a ConfigurationException, say) say best what is wrong.
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw mismatch(e);
    }
  }

  private static IllegalStateException mismatch(Exception e) {
    return new IllegalStateException(
        "The openai-connector-core on the test class path does not match this testkit (use the"
            + " same version of both, for example through the BOM): "
            + e,
        e);
  }

  /**
   * A change to the connector's builder, applied if the builder is of the given type.
   *
   * @param <B> the builder type, {@code Connectors.Builder}
   * @param type the builder's class
   * @param change what to do with it
   */
  public record Customizer<B>(Class<B> type, Consumer<? super B> change) {
    /** Checks both are present. */
    public Customizer {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(change, "change");
    }

    void applyIfMatching(Object builder) {
      if (!type.isInstance(builder)) {
        throw new IllegalArgumentException(
            "configureConnector(...) expects the connector builder type "
                + builder.getClass().getName()
                + ", not "
                + type.getName());
      }
      change.accept(type.cast(builder));
    }
  }

  /** What the testkit knows of a provider that talks to the fake server. */
  private record ServerProvider(
      String id,
      String factory,
      String artifact,
      String name,
      String wiredTo,
      String otherwise) {}
}
