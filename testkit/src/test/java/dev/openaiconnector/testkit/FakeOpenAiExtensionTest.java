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
 * module, which has the core and the OpenAI provider; here, without them, a {@code Connector}
 * parameter must fail with a message that says what to add.)
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

    assertThat(summary.getTestsFailedCount()).isEqualTo(2);
    assertThat(providerMode.getTestsFailedCount()).isEqualTo(1);
    assertThat(failures(summary) + failures(providerMode))
        .contains(
            "A Connector wired to the FakeOpenAiServer needs the core on the test class path: add"
                + " the test dependency dev.openaiconnector:openai-connector-core")
        .contains(
            "FakeOpenAiExtension in server mode injects a FakeOpenAiServer, not a FakeProvider")
        .contains("FakeOpenAiExtension.provider() injects a FakeProvider, not a FakeOpenAiServer");
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
