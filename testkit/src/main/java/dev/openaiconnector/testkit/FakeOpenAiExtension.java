package dev.openaiconnector.testkit;

import dev.openaiconnector.api.Connector;
import dev.openaiconnector.testkit.internal.ReflectiveConnectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that starts a {@link FakeOpenAiServer} (or creates a {@link FakeProvider})
 * for a test class and injects it, and a {@link Connector} wired to it, into test methods,
 * lifecycle methods and constructors.
 *
 * <pre>{@code
 * @ExtendWith(FakeOpenAiExtension.class)
 * class AssistantTest {
 *   @Test
 *   void answers(Connector ai, FakeOpenAiServer server) {
 *     assertThat(ai.chat(request).content()).isEqualTo("Echo: Hello");
 *     FakeAssertions.assertThat(server).receivedUserMessage("Hello");
 *   }
 * }
 *
 * class AssistantUnitTest {
 *   @RegisterExtension
 *   static final FakeOpenAiExtension fakes = FakeOpenAiExtension.provider();
 *
 *   @Test
 *   void answers(Connector ai, FakeProvider fake) { ... }
 * }
 * }</pre>
 *
 * <p>In server mode (the default) the {@code Connector} uses the OpenAI provider with {@code
 * OPENAI_BASE_URL} the server's base URL and {@code OPENAI_API_KEY} {@value #API_KEY}; in provider
 * mode it is {@code Connectors.builder().provider(fake)}. Either needs {@code
 * openai-connector-core} on the test class path (and, for the server, {@code
 * openai-connector-provider-openai}): the testkit finds them at run time and says what is missing.
 * The connector is built on first use, so a test that asks only for the fake needs neither.
 *
 * <p>One server (or fake) and one connector serve the whole class, {@code @Nested} classes
 * included, and are closed after it. Before each test the extension calls {@link
 * FakeOpenAiServer#reset()} (or {@link FakeProvider#reset()}), so that each test starts with an
 * empty script and sees only its own requests; script in the test or in a {@code @BeforeEach}
 * method. After each test in provider mode, it fails the test if the fake refused an unexpected
 * call ({@link FakeProvider#unexpectedCalls()}) that the code under test swallowed.
 *
 * <p>Registered on an instance field instead of a static one, it creates the fakes for each test.
 * Tests of one class that run concurrently share the fakes and their resets: keep them apart.
 */
public final class FakeOpenAiExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  /** The API key the injected {@code Connector} sends to the fake server. */
  public static final String API_KEY = "sk-fake-testkit";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeOpenAiExtension.class);

  private final @Nullable Consumer<FakeOpenAiServer.Builder> serverOptions;
  private final @Nullable Supplier<FakeProvider> providers;
  private final Map<String, String> settings;
  private final List<ReflectiveConnectors.Customizer<?>> customizers;

  /** Server mode with the default server, for {@code @ExtendWith(FakeOpenAiExtension.class)}. */
  public FakeOpenAiExtension() {
    this(builder -> {}, null, Map.of(), List.of());
  }

  private FakeOpenAiExtension(
      @Nullable Consumer<FakeOpenAiServer.Builder> serverOptions,
      @Nullable Supplier<FakeProvider> providers,
      Map<String, String> settings,
      List<ReflectiveConnectors.Customizer<?>> customizers) {
    this.serverOptions = serverOptions;
    this.providers = providers;
    this.settings = Map.copyOf(settings);
    this.customizers = List.copyOf(customizers);
  }

  /**
   * Server mode: a {@link FakeOpenAiServer} with default options.
   *
   * @return the extension
   */
  public static FakeOpenAiExtension server() {
    return new FakeOpenAiExtension();
  }

  /**
   * Server mode, with options for the server, for example {@code builder ->
   * builder.streamChunkLength(3)}. A server that requires an API key must require {@value
   * #API_KEY}, or the connector needs {@code connectorSetting("OPENAI_API_KEY", key)}.
   *
   * @param options sets the server's options; {@code start()} is the extension's job
   * @return the extension
   */
  public static FakeOpenAiExtension server(Consumer<FakeOpenAiServer.Builder> options) {
    return new FakeOpenAiExtension(
        Objects.requireNonNull(options, "options"), null, Map.of(), List.of());
  }

  /**
   * Provider mode: a {@link FakeProvider#create()} with every capability.
   *
   * @return the extension
   */
  public static FakeOpenAiExtension provider() {
    return provider(FakeProvider::create);
  }

  /**
   * Provider mode, with a fake of the test's making, for example {@code () ->
   * FakeProvider.create().strict()}.
   *
   * @param fakes creates the fake, once per class
   * @return the extension
   */
  public static FakeOpenAiExtension provider(Supplier<FakeProvider> fakes) {
    Objects.requireNonNull(fakes, "fakes");
    return new FakeOpenAiExtension(null, fakes, Map.of(), List.of());
  }

  /**
   * Returns a copy that passes one more provider setting to the connector in server mode, such as
   * {@code OPENAI_MAX_TOKENS_FIELD}; it may replace {@code OPENAI_API_KEY}, not {@code
   * OPENAI_BASE_URL}.
   *
   * @param name the setting's name
   * @param value its value
   * @return the copy
   * @throws IllegalStateException in provider mode, where the connector takes no settings
   */
  public FakeOpenAiExtension connectorSetting(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (providers != null) {
      throw new IllegalStateException(
          "connectorSetting(...) applies to server mode; a Connector over a FakeProvider has no"
              + " provider settings");
    }
    if (name.equals("OPENAI_BASE_URL")) {
      throw new IllegalArgumentException("OPENAI_BASE_URL is the fake server's base URL");
    }
    Map<String, String> more = new LinkedHashMap<>(settings);
    more.put(name, value);
    return new FakeOpenAiExtension(serverOptions, providers, more, customizers);
  }

  /**
   * Returns a copy that changes the connector's builder before it is built, typed without the
   * testkit depending on the core:
   *
   * <pre>{@code
   * FakeOpenAiExtension.provider()
   *     .configureConnector(Connectors.Builder.class, b -> b.resilience(ResilienceOptions.builder().maxRetries(0).build()));
   * }</pre>
   *
   * @param builderType {@code Connectors.Builder.class}
   * @param change what to do with the builder
   * @param <B> the builder type
   * @return the copy
   */
  public <B> FakeOpenAiExtension configureConnector(
      Class<B> builderType, Consumer<? super B> change) {
    List<ReflectiveConnectors.Customizer<?>> more = new ArrayList<>(customizers);
    more.add(new ReflectiveConnectors.Customizer<>(builderType, change));
    return new FakeOpenAiExtension(serverOptions, providers, settings, more);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    fakes(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    fakes(context).reset();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Fakes fakes = context.getStore(NAMESPACE).get(Fakes.class, Fakes.class);
    if (fakes == null) {
      return;
    }
    try {
      fakes.checkNoUnexpectedCalls();
    } finally {
      closeIfOwned(context, fakes);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Fakes fakes = context.getStore(NAMESPACE).get(Fakes.class, Fakes.class);
    if (fakes != null) {
      closeIfOwned(context, fakes);
    }
  }

  private static void closeIfOwned(ExtensionContext context, Fakes fakes) {
    if (fakes.owner.equals(context.getUniqueId())) {
      context.getStore(NAMESPACE).remove(Fakes.class);
      fakes.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeOpenAiServer.class || type == FakeProvider.class || type == Connector.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    Fakes fakes = fakes(context);
    try {
      if (type == Connector.class) {
        return fakes.connector(context);
      }
      if (type == FakeOpenAiServer.class) {
        if (fakes.server == null) {
          throw new ParameterResolutionException(
              "FakeOpenAiExtension.provider() injects a FakeProvider, not a FakeOpenAiServer; use"
                  + " @ExtendWith(FakeOpenAiExtension.class) or FakeOpenAiExtension.server()");
        }
        return fakes.server;
      }
      if (fakes.provider == null) {
        throw new ParameterResolutionException(
            "FakeOpenAiExtension in server mode injects a FakeOpenAiServer, not a FakeProvider;"
                + " register FakeOpenAiExtension.provider() with @RegisterExtension");
      }
      return fakes.provider;
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  /** The fakes of the nearest context that has them, else new ones owned by this context. */
  private Fakes fakes(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Fakes fakes = store.get(Fakes.class, Fakes.class);
    if (fakes == null) {
      if (serverOptions != null) {
        FakeOpenAiServer.Builder builder = FakeOpenAiServer.builder();
        serverOptions.accept(builder);
        fakes = new Fakes(context.getUniqueId(), builder.start(), null);
      } else {
        FakeProvider provider =
            Objects.requireNonNull(
                Objects.requireNonNull(providers).get(), "the FakeProvider supplier returned null");
        fakes = new Fakes(context.getUniqueId(), null, provider);
      }
      store.put(Fakes.class, fakes);
    }
    return fakes;
  }

  /** The fake of one class (or test), its connector once asked for, and who closes them. */
  private final class Fakes {
    final String owner;
    final @Nullable FakeOpenAiServer server;
    final @Nullable FakeProvider provider;
    private @Nullable Connector connector;

    private Fakes(
        String owner, @Nullable FakeOpenAiServer server, @Nullable FakeProvider provider) {
      this.owner = owner;
      this.server = server;
      this.provider = provider;
    }

    void reset() {
      if (server != null) {
        server.reset();
      }
      if (provider != null) {
        provider.reset();
      }
    }

    void checkNoUnexpectedCalls() {
      if (provider == null) {
        return;
      }
      List<String> unexpected = provider.unexpectedCalls();
      if (!unexpected.isEmpty()) {
        throw new AssertionError(
            provider
                + " refused "
                + (unexpected.size() == 1
                    ? "an unexpected call"
                    : unexpected.size() + " unexpected calls")
                + " during this test:\n  "
                + String.join("\n  ", unexpected));
      }
    }

    synchronized Connector connector(ExtensionContext context) {
      if (connector == null) {
        ClassLoader loader =
            context
                .getTestClass()
                .map(Class::getClassLoader)
                .orElse(FakeOpenAiExtension.class.getClassLoader());
        if (provider != null) {
          connector = ReflectiveConnectors.forProvider(provider, customizers, loader);
        } else {
          Map<String, String> all = new LinkedHashMap<>();
          all.put("OPENAI_API_KEY", API_KEY);
          all.putAll(settings);
          all.put("OPENAI_BASE_URL", Objects.requireNonNull(server).baseUrl().toString());
          connector = ReflectiveConnectors.forOpenAi(all, customizers, loader);
        }
      }
      return connector;
    }

    synchronized void close() {
      try {
        if (connector != null) {
          connector.close();
        }
      } finally {
        if (server != null) {
          server.close();
        }
      }
    }
  }
}
