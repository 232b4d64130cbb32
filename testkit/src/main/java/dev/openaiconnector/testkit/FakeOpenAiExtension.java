package dev.openaiconnector.testkit;

import dev.openaiconnector.api.Connector;
import dev.openaiconnector.testkit.internal.ReflectiveConnectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
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
 * OPENAI_BASE_URL} the server's base URL and {@code OPENAI_API_KEY} the key the server requires
 * ({@link FakeOpenAiServer.Builder#apiKey}), else {@value #API_KEY}.
 *
 * <p>When the server is in Azure OpenAI mode ({@link FakeOpenAiServer.Builder#azure()} or any
 * other {@code azure*} option), the {@code Connector} uses the Azure OpenAI provider instead, on
 * Azure's deployments layout, with these settings:
 *
 * <ul>
 *   <li>{@code AZURE_OPENAI_ENDPOINT}: the server's {@link FakeOpenAiServer#azureEndpoint()};
 *   <li>{@code AZURE_OPENAI_API_KEY}, sent in the {@code api-key} header: the key the server
 *       requires ({@link FakeOpenAiServer.Builder#azureApiKey}), else {@value #API_KEY}. A server
 *       that accepts only bearer tokens refuses it; give such a connector Microsoft Entra ID
 *       settings of its own with {@link #connectorSetting}, such as {@code AZURE_TENANT_ID},
 *       {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET} and {@code AZURE_AUTHORITY_HOST} (a
 *       test token server);
 *   <li>{@code OPENAI_API_VERSION}: the newest version without a suffix that the server accepts
 *       ({@code 2024-10-21} by default), else its newest preview;
 *   <li>{@code AZURE_OPENAI_DEPLOYMENTS}, when the server declares deployments ({@link
 *       FakeOpenAiServer.Builder#azureDeployment}): each model mapped to the first deployment
 *       declared for it, so that tests name models as application code does. A model that is
 *       itself a deployment's name needs no mapping.
 * </ul>
 *
 * <p>In either mode the connector reads no environment variable: a developer's {@code
 * OPENAI_BASE_URL} or {@code AZURE_OPENAI_DEPLOYMENTS} never reaches a test. What a test needs
 * beyond the settings above it sets with {@link #connectorSetting}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FakeOpenAiExtension fakes =
 *     FakeOpenAiExtension.server(
 *         b -> b.azureApiKey("az-key").azureDeployment("chat", "gpt-4o-mini"));
 *
 * @Test
 * void answers(Connector ai, FakeOpenAiServer server) {
 *   ai.chat(ChatRequest.builder().model("gpt-4o-mini").user("Hello").build());
 *   FakeAssertions.assertThat(server)
 *       .receivedRequestTo("POST", "/openai/deployments/chat/chat/completions")
 *       .everyRequestHadHeader("api-key", "az-key");
 * }
 * }</pre>
 *
 * <p>{@code connectorSetting("AZURE_OPENAI_LAYOUT", "v1")} tests Azure's v1 layout instead.
 *
 * <p>In provider mode the {@code Connector} is {@code Connectors.builder().provider(fake)}. Every
 * mode needs {@code openai-connector-core} on the test class path, and server mode the provider it
 * uses: {@code openai-connector-provider-openai}, or {@code openai-connector-provider-azure} in
 * Azure mode. The testkit finds them at run time and says what is missing. The connector is built
 * on first use, so a test that asks only for the fake needs none of them.
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

  private static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";
  private static final String AZURE_ENDPOINT = "AZURE_OPENAI_ENDPOINT";
  private static final String AZURE_API_KEY = "AZURE_OPENAI_API_KEY";

  /** The Azure provider's settings that choose how it authenticates. */
  private static final Set<String> AZURE_CREDENTIALS =
      Set.of(
          AZURE_API_KEY,
          "AZURE_TENANT_ID",
          "AZURE_CLIENT_ID",
          "AZURE_CLIENT_SECRET",
          "AZURE_CLIENT_CERTIFICATE_PATH",
          "AZURE_FEDERATED_TOKEN_FILE",
          "IDENTITY_ENDPOINT",
          "IDENTITY_HEADER",
          "AZURE_POD_IDENTITY_AUTHORITY_HOST");

  /** What the Azure provider takes as a deployment name. */
  private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** The operation prefixes of {@code AZURE_OPENAI_DEPLOYMENTS} entries, such as {@code chat:}. */
  private static final Set<String> OPERATION_PREFIXES =
      Set.of(
          "chat",
          "chat_stream",
          "chat-stream",
          "stream",
          "embeddings",
          "embedding",
          "images",
          "image");

  private static final Pattern GA_API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

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
   * builder.streamChunkLength(3)}. The connector sends the key the server requires; with Azure
   * options it talks to the server's Azure layout (see the class description).
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
   * Returns a copy that passes one more provider setting to the connector in server mode: an
   * OpenAI provider setting such as {@code OPENAI_MAX_TOKENS_FIELD}, or, with a server in Azure
   * mode, an Azure OpenAI provider setting such as {@code AZURE_OPENAI_LAYOUT}. It replaces what
   * the extension would set ({@code OPENAI_API_KEY}; {@code AZURE_OPENAI_API_KEY}, {@code
   * OPENAI_API_VERSION}, {@code AZURE_OPENAI_DEPLOYMENTS}), but not the server's address ({@code
   * OPENAI_BASE_URL}, {@code AZURE_OPENAI_ENDPOINT}). In Azure mode, any credential setting ({@code
   * AZURE_OPENAI_API_KEY}, {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code
   * AZURE_CLIENT_SECRET}, {@code AZURE_CLIENT_CERTIFICATE_PATH}, {@code
   * AZURE_FEDERATED_TOKEN_FILE}, {@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}, {@code
   * AZURE_POD_IDENTITY_AUTHORITY_HOST}) leaves the default key out, so that the provider
   * authenticates as the test configured it.
   *
   * @param name the setting's name
   * @param value its value
   * @return the copy
   * @throws IllegalStateException in provider mode, where the connector takes no settings
   * @throws IllegalArgumentException for {@code OPENAI_BASE_URL} or {@code AZURE_OPENAI_ENDPOINT}
   */
  public FakeOpenAiExtension connectorSetting(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (providers != null) {
      throw new IllegalStateException(
          "connectorSetting(...) applies to server mode; a Connector over a FakeProvider has no"
              + " provider settings");
    }
    if (name.equals(OPENAI_BASE_URL)) {
      throw new IllegalArgumentException("OPENAI_BASE_URL is the fake server's base URL");
    }
    if (name.equals(AZURE_ENDPOINT)) {
      throw new IllegalArgumentException(
          "AZURE_OPENAI_ENDPOINT is the fake server's Azure endpoint; for Azure's v1 layout set"
              + " AZURE_OPENAI_LAYOUT to v1");
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

  /** The OpenAI provider's settings for a connector to {@code server}, with {@code overrides}. */
  static Map<String, String> openAiSettings(
      FakeOpenAiServer server, Map<String, String> overrides) {
    Map<String, String> all = new LinkedHashMap<>();
    String key = server.keyCheck().key();
    all.put("OPENAI_API_KEY", key != null ? key : API_KEY);
    all.putAll(overrides);
    all.put(OPENAI_BASE_URL, server.baseUrl().toString());
    return all;
  }

  /**
   * The Azure OpenAI provider's settings for a connector to {@code server}, which is in Azure
   * mode, {@code overrides} included.
   */
  static Map<String, String> azureSettings(
      FakeOpenAiServer server, Map<String, String> overrides) {
    AzureRoutes.Settings azure = Objects.requireNonNull(server.azureSettings(), "azure");
    Map<String, String> all = new LinkedHashMap<>();
    if (overrides.keySet().stream().noneMatch(AZURE_CREDENTIALS::contains)) {
      String key = azure.apiKey();
      all.put(AZURE_API_KEY, key != null ? key : API_KEY);
    }
    all.put("OPENAI_API_VERSION", apiVersion(azure.apiVersions()));
    String deployments = deployments(azure.deployments());
    if (!deployments.isEmpty()) {
      all.put("AZURE_OPENAI_DEPLOYMENTS", deployments);
    }
    all.putAll(overrides);
    all.put(AZURE_ENDPOINT, server.azureEndpoint().toString());
    return all;
  }

  /** The newest accepted version without a suffix (a GA one), else the newest of all. */
  private static String apiVersion(Set<String> accepted) {
    List<String> versions = new ArrayList<>(accepted);
    Collections.sort(versions);
    List<String> ga = new ArrayList<>();
    for (String version : versions) {
      if (GA_API_VERSION.matcher(version).matches()) {
        ga.add(version);
      }
    }
    List<String> from = ga.isEmpty() ? versions : ga;
    return from.get(from.size() - 1);
  }

  /**
   * {@code model=deployment} entries for {@code AZURE_OPENAI_DEPLOYMENTS}, a model's first
   * deployment only; a pair that the setting cannot express is left out, and its model then taken
   * as a deployment's name, as without the mapping.
   */
  private static String deployments(Map<String, String> deploymentModels) {
    Map<String, String> byModel = new LinkedHashMap<>();
    deploymentModels.forEach(
        (deployment, model) -> {
          if (expressible(model, deployment)) {
            byModel.putIfAbsent(model, deployment);
          }
        });
    List<String> entries = new ArrayList<>();
    byModel.forEach((model, deployment) -> entries.add(model + "=" + deployment));
    return String.join(",", entries);
  }

  private static boolean expressible(String model, String deployment) {
    int colon = model.indexOf(':');
    return DEPLOYMENT_NAME.matcher(deployment).matches()
        && !deployment.equals(".")
        && !deployment.equals("..")
        && model.equals(model.strip())
        && model.indexOf(',') < 0
        && model.indexOf('=') < 0
        && (colon < 0
            || !OPERATION_PREFIXES.contains(
                model.substring(0, colon).strip().toLowerCase(Locale.ROOT)));
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
        FakeOpenAiServer fake = server;
        if (provider != null) {
          connector = ReflectiveConnectors.forProvider(provider, customizers, loader);
        } else if (Objects.requireNonNull(fake).isAzure()) {
          connector =
              ReflectiveConnectors.forAzure(azureSettings(fake, settings), customizers, loader);
        } else {
          connector =
              ReflectiveConnectors.forOpenAi(openAiSettings(fake, settings), customizers, loader);
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
