package dev.openaiconnector.openai;

import static dev.openaiconnector.openai.StreamChunks.chunk;
import static dev.openaiconnector.openai.StreamChunks.content;
import static dev.openaiconnector.openai.StreamChunks.finish;
import static dev.openaiconnector.openai.StreamChunks.hello;
import static dev.openaiconnector.openai.StreamChunks.readAll;
import static dev.openaiconnector.openai.StreamChunks.role;
import static dev.openaiconnector.openai.StreamChunks.text;
import static dev.openaiconnector.openai.StreamChunks.usageChunk;
import static dev.openaiconnector.openai.TestDeadlines.soon;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.openai.StreamChunks.AssembledCall;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import dev.openaiconnector.testkit.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streamed chat completions end to end over real HTTP against the fake OpenAI server. */
class OpenAiStreamingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeOpenAiServer server;
  private OpenAiProvider provider;
  private ChatStreamPort port;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    provider =
        OpenAiProvider.builder()
            .apiKey("sk-test-key-123456")
            .baseUrl(server.baseUrl().toString())
            .build();
    port = provider.chatStream().orElseThrow();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  @Test
  void declaresStreaming() {
    assertThat(provider.capabilities()).contains(Capability.CHAT_STREAMING);
    assertThat(new OpenAiProviderFactory().capabilities()).contains(Capability.CHAT_STREAMING);
  }

  @Test
  void handsOnTheFirstDeltaWhileTheServerStillHoldsTheRest() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.enqueue(
        FakeResponse.eventStream(
                List.of(
                    chunk(content(0, "First")),
                    chunk(content(0, " second")),
                    chunk(finish(0, "stop")),
                    usageChunk(3, 2, 0, 0)))
            .holdAfter(1, release));
    CompletableFuture<ChatEventSource> opened = new CompletableFuture<>();
    try {
      // A port or source that buffered the whole body would block until the latch is released,
      // which only happens after the first delta: the future then fails instead of hanging.
      ChatDelta first =
          CompletableFuture.supplyAsync(
                  () -> {
                    ChatEventSource source = port.open(hello(), soon());
                    opened.complete(source);
                    return source.next();
                  })
              .get(30, TimeUnit.SECONDS);

      assertThat(first.content()).isEqualTo("First");
      release.countDown();
      try (ChatEventSource source = opened.join()) {
        List<ChatDelta> rest = readAll(source);
        assertThat(text(rest)).isEqualTo(" second");
        assertThat(rest.get(rest.size() - 1).usage()).isEqualTo(TokenUsage.of(3, 2));
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void streamsTextThenFinishReasonThenUsage() {
    server.enqueue(
        FakeResponse.streamedChatCompletion("Streaming, one piece at a time.", 4)
            .header("x-request-id", "req_stream_1"));

    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("Streaming, one piece at a time.");
      assertThat(deltas).filteredOn(delta -> delta.content() != null).hasSizeGreaterThan(1);
      ChatDelta finish = deltas.get(deltas.size() - 2);
      assertThat(finish.finishReason()).isEqualTo(FinishReason.STOP);
      TokenUsage usage = deltas.get(deltas.size() - 1).usage();
      assertThat(usage).isNotNull();
      assertThat(usage.promptTokens()).isPositive();
      assertThat(usage.completionTokens()).isPositive();
      assertThat(source.requestId()).isEqualTo("req_stream_1");
      assertThat(source.completionId()).isEqualTo("chatcmpl-fake-stream");
      assertThat(source.model()).isEqualTo("gpt-4o-mini");
      assertThat(source.next()).as("after the end").isNull();
    }
  }

  @Test
  void asksForAStreamWithUsageAndReadsTheServersDefaultAnswer() throws Exception {
    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("Echo: Hello there");
      assertThat(deltas.get(deltas.size() - 1).usage().totalTokens()).isPositive();
      assertThat(source.requestId()).isEqualTo("req_fake_1");
    }

    RecordedRequest request = server.takeRequest();
    assertThat(request.header("Accept")).hasValue("text/event-stream");
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void leavesTheStreamFieldsOutOfPlainCalls() throws Exception {
    provider.chat().complete(hello(), soon());

    RecordedRequest request = server.takeRequest();
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.has("stream")).isFalse();
    assertThat(body.has("stream_options")).isFalse();
    assertThat(request.header("Accept")).hasValue("application/json");
  }

  @Test
  void handsOnInterleavedFragmentsOfParallelToolCalls() {
    server.enqueue(
        FakeResponse.eventStream(
            List.of(
                chunk(StreamChunks.choice(0, "{\"role\":\"assistant\",\"content\":null}", null)),
                chunk(toolCall(0, "{\"index\":0,\"id\":\"call_paris\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}")),
                chunk(toolCall(0, "{\"index\":1,\"id\":\"call_rome\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}")),
                chunk(toolCall(0, arguments(0, "{\\\"ci"))),
                chunk(toolCall(0, arguments(1, "{\\\"zone\\\":"))),
                chunk(toolCall(0, arguments(0, "ty\\\":\\\"Paris\\\"}"))),
                chunk(toolCall(0, arguments(1, "\\\"Europe/Rome\\\"}"))),
                chunk(finish(0, "tool_calls")),
                usageChunk(80, 40, 0, 0))));

    try (ChatEventSource source = port.open(weatherAndTime(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(StreamChunks.toolCalls(deltas))
          .isEqualTo(
              Map.of(
                  0, new AssembledCall("call_paris", "get_weather", "{\"city\":\"Paris\"}"),
                  1, new AssembledCall("call_rome", "get_time", "{\"zone\":\"Europe/Rome\"}")));
      assertThat(deltas)
          .extracting(ChatDelta::finishReason)
          .contains(FinishReason.TOOL_CALLS);
      assertThat(text(deltas)).isEmpty();
    }
  }

  @Test
  void readsTheServersDefaultToolCallStream() {
    try (ChatEventSource source = port.open(weatherAndTime(), soon())) {
      Map<Integer, AssembledCall> calls = StreamChunks.toolCalls(readAll(source));

      assertThat(calls.values())
          .extracting(AssembledCall::name)
          .containsExactly("get_weather", "get_time");
      assertThat(calls.get(0).arguments()).isEqualTo("{\"city\":\"sample\"}");
      assertThat(calls.get(0).id()).startsWith("call_fake_");
    }
  }

  private static String toolCall(int choice, String fragment) {
    return StreamChunks.choice(choice, "{\"tool_calls\":[" + fragment + "]}", null);
  }

  private static String arguments(int index, String piece) {
    return "{\"index\":" + index + ",\"function\":{\"arguments\":\"" + piece + "\"}}";
  }

  private static ChatRequest weatherAndTime() {
    String city =
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";
    String zone =
        "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}},"
            + "\"required\":[\"zone\"],\"additionalProperties\":false}";
    return ChatRequest.builder()
        .model("gpt-4o")
        .user("Weather in Paris and time in Rome?")
        .tool(Tool.of(new ToolDefinition("get_weather", "Weather", city, true), a -> "{}"))
        .tool(Tool.of(new ToolDefinition("get_time", "Time", zone, true), a -> "{}"))
        .build();
  }

  @Test
  void givesEachChoiceItsOwnDeltas() {
    server.enqueue(
        FakeResponse.eventStream(
            List.of(
                chunk(role(0), role(1)),
                chunk(content(0, "Red"), content(1, "Blue")),
                chunk(content(1, "!")),
                chunk(finish(0, "stop"), finish(1, "stop")),
                usageChunk(5, 3, 0, 0))));

    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas.stream().filter(d -> d.choiceIndex() == 0).toList()))
          .isEqualTo("Red");
      assertThat(text(deltas.stream().filter(d -> d.choiceIndex() == 1).toList()))
          .isEqualTo("Blue!");
      assertThat(deltas).filteredOn(d -> d.finishReason() != null).hasSize(2);
    }
  }

  @Test
  void skipsAzuresPromptFilterChunkAndKeepsTheRealIdAndModel() {
    server.enqueue(
        FakeResponse.eventStream(
            List.of(
                "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                    + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":"
                    + "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
                    + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"}}}]}",
                "{\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\","
                    + "\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0}],"
                    + "\"created\":1700000000,\"id\":\"chatcmpl-azure\","
                    + "\"model\":\"gpt-4o-2024-11-20\","
                    + "\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_1\","
                    + "\"usage\":null}",
                "{\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,"
                    + "\"severity\":\"safe\"}},\"delta\":{\"content\":\"Hi\"},"
                    + "\"finish_reason\":null,\"index\":0}],\"created\":1700000000,"
                    + "\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\","
                    + "\"object\":\"chat.completion.chunk\",\"usage\":null}",
                "{\"choices\":[{\"content_filter_results\":{},\"delta\":{},"
                    + "\"finish_reason\":\"stop\",\"index\":0}],\"created\":1700000000,"
                    + "\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\","
                    + "\"object\":\"chat.completion.chunk\",\"usage\":null}",
                "{\"choices\":[],\"created\":1700000000,\"id\":\"chatcmpl-azure\","
                    + "\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\","
                    + "\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":9,"
                    + "\"total_tokens\":10}}")));

    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(deltas).extracting(ChatDelta::content).containsExactly("", "Hi", null, null);
      assertThat(deltas.get(2).finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(deltas.get(3).usage()).isEqualTo(TokenUsage.of(9, 1));
      assertThat(source.completionId()).isEqualTo("chatcmpl-azure");
      assertThat(source.model()).isEqualTo("gpt-4o-2024-11-20");
    }
  }

  @Test
  void mapsCachedAndReasoningTokensOfTheUsageChunk() {
    server.enqueue(
        FakeResponse.eventStream(
            List.of(
                chunk(content(0, "ok")),
                chunk(finish(0, "stop")),
                usageChunk(1200, 300, 1024, 256))));

    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(deltas.get(deltas.size() - 1).usage())
          .isEqualTo(new TokenUsage(1200, 300, 1500, 1024, 256));
    }
  }

  @Test
  void ignoresKeepAliveCommentsAndReadsCrLfAndMultiLineData() {
    server.enqueue(
        FakeResponse.rawEventStream(
            ": keep-alive\r\n\r\n"
                + "data: "
                + chunk(content(0, "one"))
                + "\r\n\r\n"
                + ": OPENROUTER PROCESSING\n\n"
                + "data: {\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\n"
                + "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\" two\"}}]}\n\n"
                + "id: 3\nretry: 500\ndata:"
                + chunk(finish(0, "stop"))
                + "\r\n\n"
                + "data: "
                + usageChunk(4, 2, 0, 0)
                + "\n\r\n"
                + ":\n\n"
                + "data: [DONE]\r\n\r\n"));

    try (ChatEventSource source = port.open(hello(), soon())) {
      List<ChatDelta> deltas = readAll(source);

      assertThat(text(deltas)).isEqualTo("one two");
      assertThat(deltas.get(2).finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(deltas.get(3).usage()).isEqualTo(TokenUsage.of(4, 2));
    }
  }

  @Test
  void keepsTheConnectionAliveAcrossStreamsReadToTheEnd() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(FakeResponse.streamedChatCompletion("answer " + i, 3));
    }
    for (int i = 0; i < 5; i++) {
      try (ChatEventSource source = port.open(hello(), soon())) {
        assertThat(text(readAll(source))).isEqualTo("answer " + i);
        assertThat(OpenAiStreamFaultsTest.openStreams(port)).as("released at the end").isZero();
      }
    }
    provider.chat().complete(hello(), soon());

    assertThat(server.requestCount()).isEqualTo(6);
    assertThat(server.connectionCount()).isEqualTo(1);
  }
}
