package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.core.testing.DiscoverableFactories;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.core.testing.ServiceFileClassLoader;
import dev.openaiconnector.spi.ProviderSettings;
import dev.openaiconnector.testkit.FakeProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class ConnectorsDiscoveryTest {
  private static final String ALPHA = DiscoverableFactories.Alpha.class.getName();
  private static final String ALPHA_AGAIN = DiscoverableFactories.AlphaAgain.class.getName();
  private static final String BETA = DiscoverableFactories.Beta.class.getName();
  private static final String FUTURE = DiscoverableFactories.FromTheFuture.class.getName();
  private static final String NEEDS_KEY = DiscoverableFactories.NeedsKey.class.getName();
  private static final String LEAKY = DiscoverableFactories.Leaky.class.getName();
  private static final String THROWING = DiscoverableFactories.ThrowingConstructor.class.getName();
  private static final String MISSING = "com.example.DoesNotExistProviderFactory";
  private static final String UNLINKABLE = "com.example.UnlinkableProviderFactory";

  @TempDir Path temp;

  private final Map<String, String> environment = new HashMap<>();
  private final List<ServiceFileClassLoader> loaders = new ArrayList<>();
  private final List<Connector> connectors = new ArrayList<>();

  @BeforeEach
  void forgetEarlierRuns() {
    DiscoverableFactories.reset();
    LogCapture.clear();
  }

  @AfterEach
  void closeEverything() throws IOException {
    for (Connector connector : connectors) {
      connector.close();
    }
    for (ServiceFileClassLoader loader : loaders) {
      loader.close();
    }
  }

  @Test
  void usesTheOnlyProviderFoundAndHandsItBuilderSettingsOverTheEnvironment() throws IOException {
    environment.put("OPENAI_API_KEY", "env-key");
    environment.put("OPENAI_BASE_URL", "https://env.example");
    environment.put("OPENAI_PROJECT_ID", "env-project");

    Connector connector =
        build(
            builder(ALPHA)
                .setting("OPENAI_API_KEY", "builder-key")
                .setting("OPENAI_PROJECT_ID", "   ")
                .setting("OPENAI_ORG_ID", ""));

    assertThat(connector.providerId()).isEqualTo("alpha");
    ProviderSettings settings = DiscoverableFactories.lastSettings();
    assertThat(settings).isNotNull();
    assertThat(settings.get("OPENAI_API_KEY")).contains("builder-key");
    assertThat(settings.get("OPENAI_BASE_URL")).contains("https://env.example");
    assertThat(settings.get("OPENAI_PROJECT_ID")).contains("env-project");
    assertThat(settings.get("OPENAI_ORG_ID")).isEmpty();
  }

  @Test
  void reportsThatNoProviderWasFoundAndHowToAddOne() throws IOException {
    assertThatThrownBy(() -> build(builder()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No OpenAI Connector provider found")
        .hasMessageContaining("openai-connector-provider-openai")
        .hasMessageContaining("Connectors.builder().provider(");
  }

  @Test
  void listsEveryProviderFoundWhenSeveralAreAndSaysHowToChoose() throws IOException {
    assertThatThrownBy(() -> build(builder(ALPHA, BETA)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("alpha (" + ALPHA + ")")
        .hasMessageContaining("beta (" + BETA + ")")
        .hasMessageContaining("Connectors.builder().providerId(\"alpha\")")
        .hasMessageContaining("OPENAI_CONNECTOR_PROVIDER=alpha");
  }

  @Test
  void explicitIdChoosesAmongSeveral() throws IOException {
    assertThat(build(builder(ALPHA, BETA).providerId("beta")).providerId()).isEqualTo("beta");
  }

  @Test
  void environmentVariableChoosesAmongSeveral() throws IOException {
    environment.put("OPENAI_CONNECTOR_PROVIDER", "beta");

    assertThat(build(builder(ALPHA, BETA)).providerId()).isEqualTo("beta");
  }

  @Test
  void builderSettingOfTheIdWinsOverTheEnvironmentVariable() throws IOException {
    environment.put("OPENAI_CONNECTOR_PROVIDER", "beta");

    Connector connector = build(builder(ALPHA, BETA).setting(Connectors.PROVIDER_SETTING, "alpha"));

    assertThat(connector.providerId()).isEqualTo("alpha");
  }

  @Test
  void builderProviderIdWinsOverTheSetting() throws IOException {
    environment.put("OPENAI_CONNECTOR_PROVIDER", "alpha");

    assertThat(build(builder(ALPHA, BETA).providerId("beta")).providerId()).isEqualTo("beta");
  }

  @Test
  void unknownIdListsTheAvailableIds() throws IOException {
    assertThatThrownBy(() -> build(builder(ALPHA, BETA).providerId("gamma")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No OpenAI Connector provider with id 'gamma'")
        .hasMessageContaining("providerId(\"gamma\")")
        .hasMessageContaining("Available: alpha (" + ALPHA + "), beta (" + BETA + ")");
  }

  @Test
  void unknownIdFromTheEnvironmentNamesTheVariable() throws IOException {
    environment.put("OPENAI_CONNECTOR_PROVIDER", "gamma");

    assertThatThrownBy(() -> build(builder(ALPHA)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'gamma'")
        .hasMessageContaining("environment variable OPENAI_CONNECTOR_PROVIDER")
        .hasMessageContaining("alpha (" + ALPHA + ")");
  }

  @Test
  void brokenEntriesAreLoggedAndAGoodProviderStillWorks() throws IOException {
    Connector connector = build(builder(MISSING, THROWING, ALPHA));

    assertThat(connector.providerId()).isEqualTo("alpha");
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .anySatisfy(message -> assertThat(message).contains(MISSING))
        .anySatisfy(message -> assertThat(message).contains(THROWING));
  }

  @Test
  void brokenEntriesAreListedWhenNoProviderCanBeChosen() throws IOException {
    assertThatThrownBy(() -> build(builder(MISSING, THROWING)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No OpenAI Connector provider found")
        .hasMessageContaining(MISSING + " not found")
        .hasMessageContaining(THROWING + " could not be instantiated")
        .hasMessageContaining("ThrowingConstructor cannot start");
  }

  @Test
  void aFactoryThatCannotBeLinkedIsReportedNotFatal() throws IOException {
    ServiceFileClassLoader loader =
        ServiceFileClassLoader.registering(temp, Set.of(UNLINKABLE), UNLINKABLE, ALPHA);
    loaders.add(loader);

    Connector connector = build(Connectors.builder().classLoader(loader).environment(this::env));

    assertThat(connector.providerId()).isEqualTo("alpha");
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .anySatisfy(message -> assertThat(message).contains("MissingDependency", UNLINKABLE));
  }

  @Test
  void duplicateIdsAreRejectedWithBothClassesNamed() throws IOException {
    assertThatThrownBy(() -> build(builder(ALPHA, ALPHA_AGAIN)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Provider id 'alpha' is declared by several factories")
        .hasMessageContaining(ALPHA)
        .hasMessageContaining(ALPHA_AGAIN);
  }

  @Test
  void duplicateIdsAreRejectedWhenThatIdIsChosen() throws IOException {
    assertThatThrownBy(() -> build(builder(ALPHA, ALPHA_AGAIN, BETA).providerId("alpha")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(ALPHA)
        .hasMessageContaining(ALPHA_AGAIN);
  }

  @Test
  void duplicatesOfAnotherIdDoNotBlockTheChosenOne() throws IOException {
    Connector connector = build(builder(ALPHA, ALPHA_AGAIN, BETA).providerId("beta"));

    assertThat(connector.providerId()).isEqualTo("beta");
    assertThat(LogCapture.events(Level.WARN))
        .extracting(LogCapture.LoggedEvent::message)
        .anySatisfy(message -> assertThat(message).contains("'alpha'", ALPHA_AGAIN));
  }

  @Test
  void factoryForAnotherSpiVersionIsRefusedWithBothVersionsNamed() throws IOException {
    assertThatThrownBy(() -> build(builder(FUTURE).providerId("future")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(FUTURE)
        .hasMessageContaining("SPI version 2")
        .hasMessageContaining("supports SPI version 1");
  }

  @Test
  void refusedFactoryIsListedWhenNoProviderCanBeChosen() throws IOException {
    assertThatThrownBy(() -> build(builder(FUTURE)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("No OpenAI Connector provider found")
        .hasMessageContaining(FUTURE);
  }

  @Test
  void refusedFactoryDoesNotBlockACompatibleOne() throws IOException {
    assertThat(build(builder(FUTURE, ALPHA)).providerId()).isEqualTo("alpha");
  }

  @Test
  void explicitInstanceWinsOverEverything() throws IOException {
    environment.put("OPENAI_CONNECTOR_PROVIDER", "gamma");
    FakeProvider fake = FakeProvider.create();

    Connector connector =
        build(builder(MISSING, ALPHA, ALPHA_AGAIN, BETA).providerId("beta").provider(fake));

    assertThat(connector.providerId()).isEqualTo("fake");
    assertThat(DiscoverableFactories.lastSettings()).isNull();
  }

  @Test
  void configurationErrorOfTheFactoryReachesTheCaller() throws IOException {
    assertThatThrownBy(() -> build(builder(NEEDS_KEY)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("STRICT_API_KEY is not set");

    environment.put("STRICT_API_KEY", "sk-from-env");
    assertThat(build(builder(NEEDS_KEY)).providerId()).isEqualTo("strict");
  }

  @Test
  void factoryCrashBecomesAConfigurationErrorWithoutItsMessage() throws IOException {
    assertThatThrownBy(() -> build(builder(LEAKY).setting("LEAKY_API_KEY", "sk-very-secret")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(LEAKY)
        .hasMessageContaining(IllegalStateException.class.getName())
        .hasMessageNotContaining("sk-very-secret")
        .satisfies(
            failure -> {
              // Nothing in the chain may carry the factory's message, which quoted the key.
              for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("sk-very-secret");
              }
              assertThat(failure.getStackTrace()).isNotEmpty();
            });
  }

  @Test
  void settingValuesNeverReachTheLogsOrToString() throws IOException {
    Connector connector =
        build(builder(MISSING, ALPHA).setting("OPENAI_API_KEY", "sk-very-secret"));

    assertThat(connector.toString()).doesNotContain("sk-very-secret");
    assertThat(String.valueOf(DiscoverableFactories.lastSettings()))
        .contains("OPENAI_API_KEY")
        .doesNotContain("sk-very-secret");
    assertThat(LogCapture.events())
        .isNotEmpty()
        .allSatisfy(event -> assertThat(event.fullText()).doesNotContain("sk-very-secret"));
  }

  @Test
  void searchesTheContextClassLoaderByDefault() throws IOException {
    ServiceFileClassLoader loader = ServiceFileClassLoader.registering(temp, ALPHA);
    loaders.add(loader);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      assertThat(build(Connectors.builder().environment(this::env)).providerId())
          .isEqualTo("alpha");
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void builderRejectsBlankNamesWhereTheyAreSet() {
    assertThatThrownBy(() -> Connectors.builder().providerId(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providerId");
    assertThatThrownBy(() -> Connectors.builder().setting(" ", "value"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("setting name");
  }

  private Connectors.Builder builder(String... factoryClassNames) throws IOException {
    Path root = Files.createTempDirectory(temp, "classpath");
    ServiceFileClassLoader loader = ServiceFileClassLoader.registering(root, factoryClassNames);
    loaders.add(loader);
    return Connectors.builder().classLoader(loader).environment(this::env);
  }

  private Connector build(Connectors.Builder builder) {
    Connector connector = builder.build();
    connectors.add(connector);
    return connector;
  }

  private @Nullable String env(String name) {
    return environment.get(name);
  }
}
