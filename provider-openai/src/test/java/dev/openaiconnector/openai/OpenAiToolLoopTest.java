package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.StructuredResponse;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tool loop and structured output end to end: core's loop, this provider's wire mapping, the
 * fake server over HTTP; every request body is checked against the official description.
 */
class OpenAiToolLoopTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The arguments of the weather tool. */
  record WeatherArgs(@Description("City name, e.g. Paris") String city) {}

  /** A structured answer. */
  record Trip(String city, int days, List<String> sights) {}

  private final List<String> cities = new CopyOnWriteArrayList<>();
  private FakeOpenAiServer server;
  private Connector ai;
  private Tool weather;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    ai =
        Connectors.builder()
            .setting("OPENAI_BASE_URL", server.baseUrl().toString())
            .setting("OPENAI_API_KEY", "sk-tool-loop")
            .build();
    weather =
        Tools.of(
            "get_weather",
            "Current weather for a city",
            WeatherArgs.class,
            args -> {
              cities.add(args.city());
              return Map.of("city", args.city(), "temperatureC", 21);
            });
  }

  @AfterEach
  void stop() {
    ai.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  private static String toolCallAnswer(String id, String name, String arguments) throws Exception {
    return "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
        + "\"choices\":[{\"index\":0,\"logprobs\":null,\"finish_reason\":\"tool_calls\","
        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":"
        + "[{\"id\":\""
        + id
        + "\",\"type\":\"function\",\"function\":{\"name\":\""
        + name
        + "\",\"arguments\":"
        + JSON.writeValueAsString(arguments)
        + "}}]}}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":10,\"total_tokens\":30}}";
  }

  @Test
  void runsAToolLoopOverTheWire() throws Exception {
    server.enqueue(FakeResponse.json(200, toolCallAnswer("call_1", "get_weather", "{\"city\":\"Lisbon\"}")));
    server.enqueue(FakeResponse.chatCompletion("It is 21 degrees in Lisbon."));

    ChatResponse answer =
        ai.chat(
            ChatRequest.builder()
                .model("gpt-4o")
                .user("What is the weather in Lisbon?")
                .tool(weather)
                .build());

    assertThat(answer.content()).isEqualTo("It is 21 degrees in Lisbon.");
    assertThat(cities).containsExactly("Lisbon");
    assertThat(answer.toolRounds()).hasSize(1);
    assertThat(answer.toolRounds().get(0).request().toolCalls())
        .containsExactly(new ToolCall("call_1", "get_weather", "{\"city\":\"Lisbon\"}"));
    assertThat(answer.toolRounds().get(0).usage().totalTokens()).isEqualTo(30);
    assertThat(answer.usage().totalTokens())
        .isGreaterThan(30)
        .isEqualTo(ai.usage().snapshot().total().totalTokens());
    assertThat(ai.usage().snapshot().calls()).isEqualTo(2);

    JsonNode first = JSON.readTree(server.takeRequest().body());
    assertThat(first.get("tools").get(0).get("function").get("name").asText())
        .isEqualTo("get_weather");
    assertThat(first.get("tools").get(0).get("function").get("strict").asBoolean()).isTrue();
    JsonNode messages = JSON.readTree(server.takeRequest().body()).get("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).get("tool_calls").get(0).get("id").asText()).isEqualTo("call_1");
    assertThat(messages.get(2).get("role").asText()).isEqualTo("tool");
    assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(JSON.readTree(messages.get(2).get("content").asText()))
        .isEqualTo(JSON.readTree("{\"city\":\"Lisbon\",\"temperatureC\":21}"));
  }

  @Test
  void runsAToolLoopAgainstTheFakeServersDefaultAnswers() {
    ChatResponse answer =
        ai.chat(
            ChatRequest.builder().model("gpt-4o").user("Weather in Oslo?").tool(weather).build());

    assertThat(answer.toolRounds()).hasSize(1);
    assertThat(cities).hasSize(1);
    assertThat(answer.content()).contains("temperatureC");
  }

  @Test
  void returnsAStructuredAnswer() throws Exception {
    server.enqueue(
        FakeResponse.chatCompletion(
            "{\"city\":\"Lisbon\",\"days\":2,\"sights\":[\"Belem Tower\",\"Alfama\"]}"));

    StructuredResponse<Trip> trip =
        ai.chat(ChatRequest.builder().model("gpt-4o").user("Plan two days in Lisbon").build(), Trip.class);

    assertThat(trip.value()).isEqualTo(new Trip("Lisbon", 2, List.of("Belem Tower", "Alfama")));
    JsonNode format = JSON.readTree(server.takeRequest().body()).get("response_format");
    assertThat(format.get("type").asText()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();
    assertThat(format.get("json_schema").get("schema").get("required"))
        .extracting(JsonNode::asText)
        .containsExactly("city", "days", "sights");
  }

  @Test
  void returnsAStructuredAnswerFromTheFakeServersDefaultAnswer() {
    StructuredResponse<Trip> trip =
        ai.chat(ChatRequest.builder().model("gpt-4o").user("Plan a trip").build(), Trip.class);

    assertThat(trip.refusal()).isEmpty();
    assertThat(trip.value().sights()).isNotEmpty();
  }
}
