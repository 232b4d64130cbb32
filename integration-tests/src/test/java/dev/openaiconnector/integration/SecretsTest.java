package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the module's scenarios with recognisable fake secrets and fails if any of them appears in
 * a log line (every level, TRACE included, with stack traces), in an exception's message or stack
 * trace (causes and suppressed included), or in the {@code toString()} of any object of ours the
 * scenarios handed out or that a connector holds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsTest {
  /** A key in OpenAI's format, caught by the pattern for key-like strings too. */
  private static final String OPENAI_KEY = "sk-proj-CANARY0KEY0a1b2c3d4e5f6a7b8c9d0";
  /** A key in no known format, as OpenAI-compatible servers may use: only its value can match. */
  private static final String PLAIN_KEY = "canary-plain-7f3e9b21c4d85a60";
  private static final List<String> SECRETS = List.of(OPENAI_KEY, PLAIN_KEY);
  /** A proxy password, in the network of the provider that runs the scenarios (no proxy used). */
  private static final String PROXY_PASSWORD = "canary-proxy-5d2e8a41f70c";
  /** The same, as the {@code Proxy-Authorization} header carries it. */
  private static final String PROXY_BASIC =
      Base64.getEncoder()
          .encodeToString(("canary-user:" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8));
  private static final List<String> CHECKED =
      List.of(OPENAI_KEY, PLAIN_KEY, PROXY_PASSWORD, PROXY_BASIC);

  private final List<Object> handedOut = new CopyOnWriteArrayList<>();
  private final List<Throwable> thrown = new CopyOnWriteArrayList<>();

  @BeforeEach
  void clearLogs() {
    CapturedLogs.clear();
  }

  @Test
  void noSecretReachesLogsExceptionsOrToString() throws Exception {
    for (String key : SECRETS) {
      runScenarios(key);
    }

    assertThat(CapturedLogs.lines()).as("log lines").isNotEmpty();
    for (String line : CapturedLogs.lines()) {
      assertNoSecret("log line", line);
    }
    assertThat(thrown).as("exceptions met").hasSizeGreaterThan(5);
    for (Throwable e : thrown) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertNoSecret("exception " + e.getClass().getName(), trace.toString());
    }
    for (Object object : reachableObjectsOfOurs(handedOut)) {
      assertNoSecret("toString() of " + object.getClass().getName(), String.valueOf(object));
    }
  }

  private void runScenarios(String key) throws Exception {
    List<Object> events = new CopyOnWriteArrayList<>();
    CallListener listener =
        new CallListener() {
          @Override
          public void onStart(CallEvent event) {
            events.add(event);
          }

          @Override
          public void onRetry(CallEvent event) {
            events.add(event);
          }

          @Override
          public void onSuccess(CallEvent event) {
            events.add(event);
          }

          @Override
          public void onFailure(CallEvent event) {
            events.add(event);
          }

          @Override
          public void onUsage(UsageEvent event) {
            events.add(event);
          }
        };
    ResilienceOptions quick =
        ResilienceOptions.builder()
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2))
            .maxRetryAfter(Duration.ofMillis(5))
            .maxRetries(1)
            .attemptTimeout(Duration.ofMillis(500))
            .build();
    try (FakeOpenAiServer server = FakeOpenAiServer.builder().apiKey(key).start()) {
      OpenAiProvider provider =
          OpenAiProvider.builder()
              .apiKey(key)
              .baseUrl(server.baseUrl().toString())
              .logBodies(true)
              .network(
                  Network.builder()
                      .proxy(HttpClient.Builder.NO_PROXY)
                      .proxyCredentials("canary-user", PROXY_PASSWORD)
                      .build())
              .build();
      handedOut.add(provider);
      try (Connector ai =
          Connectors.builder().provider(provider).resilience(quick).listener(listener).build()) {
        handedOut.add(ai);
        ChatRequest hello = ChatRequest.builder().model("gpt-4o-mini").user("Hello").build();
        handedOut.add(hello);

        // Success: plain, streamed, a tool loop, a session, the configuration test.
        handedOut.add(ai.chat(hello));
        try (ChatStream stream = ai.stream(hello)) {
          stream.forEach(handedOut::add);
          handedOut.add(stream.response());
        }
        handedOut.add(
            ai.chat(
                hello.toBuilder()
                    .tool(Tools.of("lookup", "Looks up a word", Word.class, word -> "found"))
                    .build()));
        handedOut.add(ai.session(SessionSpec.builder().model("gpt-4o-mini").build()).send("Hi"));
        handedOut.add(ai.checkConnection());
        handedOut.add(ai.embedAll("text-embedding-3-small", List.of("one", "two")));
        handedOut.add(
            ai.generateImages(
                ImageRequest.builder().model("dall-e-2").prompt("A grey square").build()));

        // Failures: a server that quotes the key back, rate limits, server errors, timeouts.
        server.enqueue(
            FakeResponse.error(
                401, "invalid_request_error", "invalid_api_key",
                "Incorrect API key provided: " + key + ". Check it."));
        call(() -> ai.chat(hello));
        server.enqueue(
            FakeResponse.error(
                401, "invalid_request_error", "invalid_api_key", "Key " + key + " refused"));
        call(() -> ai.embedAll("text-embedding-3-small", List.of("one")));
        server.enqueue(FakeResponse.body(502, "text/html", "<html>bad key " + key + "</html>"));
        server.enqueue(FakeResponse.body(502, "text/html", "<html>bad key " + key + "</html>"));
        call(() -> ai.chat(hello));
        server.enqueue(
            FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down, " + key)
                .header("retry-after-ms", "1"));
        server.enqueue(
            FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down, " + key));
        call(() -> ai.chat(hello));
        server.enqueue(FakeResponse.noHeaders());
        server.enqueue(FakeResponse.noHeaders());
        call(() -> ai.chat(hello));
        server.enqueue(
            FakeResponse.error(401, "invalid_request_error", "invalid_api_key", "Key " + key));
        call(() -> ai.stream(hello).close());
        server.enqueue(
            FakeResponse.rawEventStream(
                "data: {\"error\":{\"message\":\"stream died, key " + key
                    + "\",\"type\":\"server_error\"}}\n\n"));
        call(
            () -> {
              try (ChatStream stream = ai.stream(hello)) {
                stream.forEach(handedOut::add);
              }
            });
        server.enqueue(
            FakeResponse.error(401, "invalid_request_error", "invalid_api_key", "Key " + key));
        ConnectionCheck failedCheck = ai.checkConnection();
        handedOut.add(failedCheck);
      }

      // A wrong key against the server, and a server that is not there at all.
      try (Connector wrongKey =
          Connectors.builder()
              .providerId("openai")
              .setting("OPENAI_API_KEY", key + "-wrong")
              .setting("OPENAI_BASE_URL", server.baseUrl().toString())
              .resilience(quick)
              .build()) {
        handedOut.add(wrongKey);
        call(() -> wrongKey.chat(ChatRequest.builder().model("m").user("Hi").build()));
      }
    }
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Connector nowhere =
        Connectors.builder()
            .providerId("openai")
            .setting("OPENAI_API_KEY", key)
            .setting("OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1")
            .resilience(quick)
            .build()) {
      handedOut.add(nowhere);
      call(() -> nowhere.chat(ChatRequest.builder().model("m").user("Hi").build()));
      handedOut.add(nowhere.checkConnection());
    }
    handedOut.addAll(events);
  }

  private void call(Runnable scenario) {
    try {
      scenario.run();
    } catch (RuntimeException e) {
      thrown.add(e);
      handedOut.add(e);
    }
  }

  private static void assertNoSecret(String where, String text) {
    for (String secret : CHECKED) {
      assertThat(text).as(where).doesNotContain(secret);
      // Fragments too: a secret cut in half by a truncation is still a leak.
      assertThat(text).as(where).doesNotContain(secret.substring(0, secret.length() / 2));
    }
  }

  /**
   * Collects every object of our packages reachable from the roots through fields, collections,
   * maps, arrays and optionals: what a connector, a provider or a result holds.
   */
  private static Set<Object> reachableObjectsOfOurs(List<Object> roots) throws Exception {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Object> ours = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> pending = new ArrayDeque<>(roots);
    while (!pending.isEmpty()) {
      Object object = pending.pop();
      if (!seen.add(object)) {
        continue;
      }
      Class<?> type = object.getClass();
      if (object instanceof Collection) {
        pending.addAll(nonNull(new ArrayList<>((Collection<?>) object)));
      } else if (object instanceof Map) {
        pending.addAll(nonNull(new ArrayList<>(((Map<?, ?>) object).keySet())));
        pending.addAll(nonNull(new ArrayList<>(((Map<?, ?>) object).values())));
      } else if (object instanceof Optional) {
        ((Optional<?>) object).ifPresent(pending::add);
      } else if (type.isArray() && !type.getComponentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(object); i++) {
          Object element = Array.get(object, i);
          if (element != null) {
            pending.add(element);
          }
        }
      } else if (type.getName().startsWith("dev.openaiconnector.")) {
        ours.add(object);
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
          for (Field field : c.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
              continue;
            }
            try {
              field.setAccessible(true);
              Object value = field.get(object);
              if (value != null) {
                pending.add(value);
              }
            } catch (RuntimeException inaccessible) {
              // A JDK-internal field: not ours to print.
            }
          }
        }
      }
    }
    assertThat(ours).as("objects of ours reached").hasSizeGreaterThan(50);
    return ours;
  }

  private static List<Object> nonNull(List<?> values) {
    List<Object> kept = new ArrayList<>();
    for (Object value : values) {
      if (value != null) {
        kept.add(value);
      }
    }
    return kept;
  }

  /** The arguments of the scenarios' tool. */
  record Word(String word) {}
}
