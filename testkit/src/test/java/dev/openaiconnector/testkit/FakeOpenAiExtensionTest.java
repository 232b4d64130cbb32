package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.spi.Deadline;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The JUnit extension, run on fixture classes through the JUnit launcher so that this test can see
 * what JUnit reports. (The {@code Connector} injection itself is tested in the integration-tests
 * module, which has the core and both providers; here, without them, a {@code Connector} parameter
 * must fail with a message that says what to add, and the settings the extension would give each
 * provider are checked directly.)
 */
class FakeOpenAiExtensionTest {
  /** What the fixtures saw, by a name of their choosing. */
  static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

  private static TestExecutionSummary run(Class<?> fixture) {
    SEEN.clear();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(),
            listener);
    return listener.getSummary();
  }

  private static String failures(TestExecutionSummary summary) {
    return summary.getFailures().stream()
        .map(
            failure ->
                failure.getTestIdentifier().getDisplayName() + ": " + failure.getException())
        .collect(Collectors.joining("\n"));
  }

  static int post(FakeOpenAiServer server, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
            .header("Authorization", "Bearer " + FakeOpenAiExtension.API_KEY)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  static final String HELLO =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void startsOneServerPerClassInjectsItResetsItBeforeEachTestAndClosesItAfter() {
    TestExecutionSummary summary = run(ServerFixture.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(3);
    FakeOpenAiServer server = (FakeOpenAiServer) SEEN.get("beforeAll");
    assertThat(SEEN)
        .containsEntry("constructor", server)
        .containsEntry("first", server)
        .containsEntry("second", server)
        .containsEntry("nested", server);
    assertThat(SEEN).containsEntry("first count", 1).containsEntry("second count", 1);
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(
            ConnectException.class, () -> post(server, HELLO)))
        .isNotNull();
  }

  @Test
  void passesServerOptionsOn() {
    TestExecutionSummary summary = run(ServerOptionsFixture.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(1);
  }

  @Test
  void createsOneFakeProviderPerClassAndResetsItBeforeEachTest() {
    TestExecutionSummary summary = run(ProviderFixture.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
    assertThat(SEEN.get("first")).isSameAs(SEEN.get("second")).isInstanceOf(FakeProvider.class);
    assertThat(SEEN).containsEntry("first requests", 1).containsEntry("second requests", 1);
  }

  @Test
  void failsATestWhoseCodeSwallowedAnUnexpectedCall() {
    TestExecutionSummary summary = run(SwallowingFixture.class);

    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(failures(summary))
        .contains("FakeProvider[fake] refused an unexpected call during this test")
        .contains("FakeChatPort of FakeProvider[fake] got an unexpected request #2");
  }

  @Test
  void saysWhatIsMissingForAConnectorAndWhichFakeEachModeInjects() {
    TestExecutionSummary summary = run(MisuseFixture.class);
    TestExecutionSummary providerMode = run(ProviderMisuseFixture.class);
    TestExecutionSummary azureMode = run(AzureMisuseFixture.class);

    assertThat(summary.getTestsFailedCount()).isEqualTo(2);
    assertThat(providerMode.getTestsFailedCount()).isEqualTo(1);
    assertThat(azureMode.getTestsFailedCount()).isEqualTo(1);
    assertThat(failures(summary) + failures(providerMode))
        .contains(
            "A Connector wired to the FakeOpenAiServer needs the core and the OpenAI provider on"
                + " the test class path: add the test dependencies"
                + " dev.openaiconnector:openai-connector-core and"
                + " dev.openaiconnector:openai-connector-provider-openai")
        .contains(
            "FakeOpenAiExtension in server mode injects a FakeOpenAiServer, not a FakeProvider")
        .contains("FakeOpenAiExtension.provider() injects a FakeProvider, not a FakeOpenAiServer");
    assertThat(failures(azureMode))
        .contains(
            "A Connector wired to the FakeOpenAiServer in Azure mode needs the core and the Azure"
                + " OpenAI provider on the test class path: add the test dependencies"
                + " dev.openaiconnector:openai-connector-core and"
                + " dev.openaiconnector:openai-connector-provider-azure");
  }

  @Test
  void givesTheOpenAiProviderTheServersBaseUrlAndTheKeyItRequires() {
    try (FakeOpenAiServer any = FakeOpenAiServer.start();
        FakeOpenAiServer keyed = FakeOpenAiServer.builder().apiKey("sk-required").start()) {
      assertThat(FakeOpenAiExtension.openAiSettings(any, Map.of()))
          .containsExactly(
              Map.entry("OPENAI_API_KEY", FakeOpenAiExtension.API_KEY),
              Map.entry("OPENAI_BASE_URL", any.baseUrl().toString()));
      assertThat(FakeOpenAiExtension.openAiSettings(keyed, Map.of()))
          .containsEntry("OPENAI_API_KEY", "sk-required");
      assertThat(
              FakeOpenAiExtension.openAiSettings(
                  keyed, Map.of("OPENAI_API_KEY", "sk-mine", "OPENAI_ORG_ID", "org")))
          .containsEntry("OPENAI_API_KEY", "sk-mine")
          .containsEntry("OPENAI_ORG_ID", "org");
    }
  }

  @Test
  void givesTheAzureProviderTheServersEndpointKeyVersionAndDeployments() {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.builder()
            .azureApiKey("az-key")
            .azureDeployment("chat", "gpt-4o-mini")
            .azureDeployment("chat-too", "gpt-4o-mini")
            .azureDeployment("embed", "text-embedding-3-small")
            .azureDeployment("with space", "gpt-4o")
            .azureDeployment("comma", "a,b")
            .azureDeployment("prefixed", "chat:gpt-4o")
            .azureDeployment("tuned", "ft:gpt-4o-mini:acme::abc")
            .start()) {
      assertThat(FakeOpenAiExtension.azureSettings(server, Map.of()))
          .containsExactly(
              Map.entry("AZURE_OPENAI_API_KEY", "az-key"),
              Map.entry("OPENAI_API_VERSION", "2024-10-21"),
              Map.entry(
                  "AZURE_OPENAI_DEPLOYMENTS",
                  "gpt-4o-mini=chat,text-embedding-3-small=embed,ft:gpt-4o-mini:acme::abc=tuned"),
              Map.entry("AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString()));
    }
  }

  @Test
  void givesAPlainAzureServerTheDefaultKeyAndNoDeployments() {
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().azure().start()) {
      assertThat(FakeOpenAiExtension.azureSettings(server, Map.of()))
          .containsExactly(
              Map.entry("AZURE_OPENAI_API_KEY", FakeOpenAiExtension.API_KEY),
              Map.entry("OPENAI_API_VERSION", "2024-10-21"),
              Map.entry("AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString()));
    }
  }

  @Test
  void choosesTheNewestApiVersionTheServerAcceptsPreferringOnesWithoutASuffix() {
    try (FakeOpenAiServer mixed =
            FakeOpenAiServer.builder()
                .azureApiVersions("2024-02-01", "2025-04-01-preview", "2024-06-01")
                .start();
        FakeOpenAiServer previews =
            FakeOpenAiServer.builder()
                .azureApiVersions("2025-01-01-preview", "2025-04-01-preview")
                .start()) {
      assertThat(FakeOpenAiExtension.azureSettings(mixed, Map.of()))
          .containsEntry("OPENAI_API_VERSION", "2024-06-01");
      assertThat(FakeOpenAiExtension.azureSettings(previews, Map.of()))
          .containsEntry("OPENAI_API_VERSION", "2025-04-01-preview");
    }
  }

  @Test
  void azureConnectorSettingsReplaceTheDefaultsButNotTheEndpoint() {
    try (FakeOpenAiServer server =
        FakeOpenAiServer.builder().azureApiKey("az-key").azureDeployment("chat", "m").start()) {
      Map<String, String> overridden =
          FakeOpenAiExtension.azureSettings(
              server,
              Map.of(
                  "AZURE_OPENAI_API_KEY", "my-key",
                  "OPENAI_API_VERSION", "2025-04-01-preview",
                  "AZURE_OPENAI_DEPLOYMENTS", "m=other",
                  "AZURE_OPENAI_LAYOUT", "v1"));
      Map<String, String> entra =
          FakeOpenAiExtension.azureSettings(
              server,
              Map.of(
                  "AZURE_TENANT_ID", "tenant",
                  "AZURE_CLIENT_ID", "client",
                  "AZURE_CLIENT_SECRET", "secret"));

      assertThat(overridden)
          .containsEntry("AZURE_OPENAI_API_KEY", "my-key")
          .containsEntry("OPENAI_API_VERSION", "2025-04-01-preview")
          .containsEntry("AZURE_OPENAI_DEPLOYMENTS", "m=other")
          .containsEntry("AZURE_OPENAI_LAYOUT", "v1")
          .containsEntry("AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString());
      // The test's own credential: no default key to win over it.
      assertThat(entra)
          .doesNotContainKey("AZURE_OPENAI_API_KEY")
          .containsKey("AZURE_CLIENT_SECRET");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FakeOpenAiExtension.server(b -> b.azure())
                    .connectorSetting("AZURE_OPENAI_ENDPOINT", "http://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AZURE_OPENAI_LAYOUT");
  }

  @Test
  void providerModeTakesNoConnectorSettings() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FakeOpenAiExtension.provider().connectorSetting("OPENAI_API_KEY", "k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server mode");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FakeOpenAiExtension.server().connectorSetting("OPENAI_BASE_URL", "http://x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ExtendWith(FakeOpenAiExtension.class)
  static class ServerFixture {
    ServerFixture(FakeOpenAiServer server) {
      SEEN.put("constructor", server);
    }

    @BeforeAll
    static void beforeAll(FakeOpenAiServer server) throws Exception {
      SEEN.put("beforeAll", server);
      // Reset before each test: neither the script nor the request are seen by the tests.
      server.enqueue(FakeResponse.error(500, "server_error", null, "not for the tests"));
      post(server, HELLO);
    }

    @Test
    void first(FakeOpenAiServer server) throws Exception {
      SEEN.put("first", server);
      assertThat(post(server, HELLO)).isEqualTo(200);
      SEEN.put("first count", server.requestCount());
    }

    @Test
    void second(FakeOpenAiServer server) throws Exception {
      SEEN.put("second", server);
      assertThat(post(server, HELLO)).isEqualTo(200);
      SEEN.put("second count", server.requestCount());
    }

    @Nested
    class Inner {
      @Test
      void sharesTheServer(FakeOpenAiServer server) {
        SEEN.put("nested", server);
      }
    }
  }

  static class ServerOptionsFixture {
    @RegisterExtension
    static final FakeOpenAiExtension FAKES =
        FakeOpenAiExtension.server(builder -> builder.apiKey("sk-only-this"));

    @Test
    void requiresTheKey(FakeOpenAiServer server) throws Exception {
      assertThat(post(server, HELLO)).isEqualTo(401);
    }
  }

  static class ProviderFixture {
    @RegisterExtension
    static final FakeOpenAiExtension FAKES = FakeOpenAiExtension.provider();

    @BeforeEach
    void script(FakeProvider fake) {
      fake.chat().enqueueText("scripted in @BeforeEach");
    }

    @Test
    void first(FakeProvider fake) {
      SEEN.put("first", fake);
      assertThat(fake.chat().complete(request(), deadline()).content())
          .isEqualTo("scripted in @BeforeEach");
      SEEN.put("first requests", fake.chat().requests().size());
    }

    @Test
    void second(FakeProvider fake) {
      SEEN.put("second", fake);
      assertThat(fake.chat().complete(request(), deadline()).content())
          .isEqualTo("scripted in @BeforeEach");
      SEEN.put("second requests", fake.chat().requests().size());
    }
  }

  static class SwallowingFixture {
    @RegisterExtension
    static final FakeOpenAiExtension FAKES = FakeOpenAiExtension.provider();

    @Test
    void swallows(FakeProvider fake) {
      fake.chat().enqueueText("the only answer");
      fake.chat().complete(request(), deadline());
      try {
        fake.chat().complete(request(), deadline());
      } catch (AssertionError e) {
        // Code under test that catches everything and carries on.
      }
    }
  }

  @ExtendWith(FakeOpenAiExtension.class)
  static class MisuseFixture {
    @Test
    void asksForAConnector(Connector connector) {}

    @Test
    void asksForAFakeProvider(FakeProvider fake) {}
  }

  static class AzureMisuseFixture {
    @RegisterExtension
    static final FakeOpenAiExtension FAKES = FakeOpenAiExtension.server(builder -> builder.azure());

    @Test
    void asksForAConnector(Connector connector) {}
  }

  static class ProviderMisuseFixture {
    @RegisterExtension
    final FakeOpenAiExtension fakes = FakeOpenAiExtension.provider();

    @Test
    void asksForAServer(FakeOpenAiServer server) {}
  }

  static ChatRequest request() {
    return ChatRequest.builder().model("gpt-4o-mini").user("hi").build();
  }

  static Deadline deadline() {
    return Deadline.after(Duration.ofSeconds(30));
  }
}
