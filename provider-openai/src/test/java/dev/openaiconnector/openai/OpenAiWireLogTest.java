package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ProviderSettings;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bodies are logged only when switched on, cut, and never with a secret or a header. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenAiWireLogTest {
  // Not sk-shaped: only the literal redaction of the configured key can catch it.
  private static final String KEY = "gw-LITERALkey-0123456789abcdef";
  private static final String WIRE = "dev.openaiconnector.openai.wire";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();

  @BeforeEach
  void clear() {
    CapturedLogs.clear();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static List<String> wireLines() {
    return CapturedLogs.lines().stream().filter(line -> line.contains(" " + WIRE + " ")).toList();
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.builder().model("gpt-4o-mini").user(text).build();
  }

  @Test
  void logsNothingByDefaultEvenAtDebug() {
    try (OpenAiProvider provider =
        OpenAiProvider.builder().apiKey(KEY).baseUrl(server.baseUrl().toString()).build()) {
      provider.chat().complete(ask("quiet"), soon());
    }

    assertThat(wireLines()).isEmpty();
    assertThat(String.join("\n", CapturedLogs.lines())).doesNotContain("quiet");
  }

  @Test
  void logsRedactedBodiesOfAPlainCall() {
    server.enqueue(
        FakeResponse.json(
            400,
            "{\"error\":{\"message\":\"Bad key " + KEY + " or sk-otherKEY12345 or Bearer tok.en-9\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"));
    try (OpenAiProvider provider =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl().toString())
            .logBodies(true)
            .build()) {
      try {
        provider.chat().complete(ask("my key is " + KEY), soon());
      } catch (RuntimeException expected) {
        assertThat(expected.getMessage()).doesNotContain(KEY).doesNotContain("sk-otherKEY");
      }
    }

    List<String> lines = wireLines();
    String all = String.join("\n", lines);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("DEBUG " + WIRE + " --> POST ").contains("my key is ***");
    assertThat(lines.get(1)).startsWith("DEBUG " + WIRE + " <-- 400 ").contains("Bad key ***");
    assertThat(all)
        .doesNotContain(KEY)
        .doesNotContain("sk-otherKEY12345")
        .doesNotContain("tok.en-9")
        .doesNotContain("Authorization")
        .contains("sk-***")
        .contains("Bearer ***");
  }

  @Test
  void cutsLongBodiesToFourKilobytes() {
    try (OpenAiProvider provider =
        OpenAiProvider.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl().toString())
            .logBodies(true)
            .build()) {
      provider.chat().complete(ask("y".repeat(10_000)), soon());
    }

    List<String> lines = wireLines();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(line.length()).isLessThan(4096 + 200);
      assertThat(line).contains("bytes in all)");
    }
  }

  @Test
  void logsTheRequestAndOnlyTheStatusOfAStreamWhenSetFromTheEnvironment() {
    Map<String, String> values =
        Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", server.baseUrl().toString(),
            "OPENAI_LOG_BODIES", "true");
    ProviderSettings settings = name -> Optional.ofNullable(values.get(name));
    try (OpenAiProvider provider = new OpenAiProviderFactory().create(settings);
        ChatEventSource source =
            provider.chatStream().orElseThrow().open(ask("stream please"), soon())) {
      while (source.next() != null) {
        // read to the end
      }
    }

    List<String> lines = wireLines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("stream please");
    assertThat(lines.get(1)).isEqualTo("DEBUG " + WIRE + " <-- 200 (event stream)");
  }
}
