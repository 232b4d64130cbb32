package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.testkit.internal.Json;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unscripted answers for function calling and structured output. After each test, every request
 * a test meant to be realistic is checked against {@code CreateChatCompletionRequest} and every
 * answer against the response, chunk or error schema of the official OpenAI description.
 */
class FakeOpenAiServerToolCallingTest {
  private static final String WEATHER_PARAMETERS =
      """
      {"type": "object", "additionalProperties": false,
       "required": ["city", "unit", "days", "threshold", "alerts", "location", "hours", "note"],
       "properties": {
         "city": {"type": "string", "description": "City name"},
         "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
         "days": {"type": "integer"},
         "threshold": {"type": "number"},
         "alerts": {"type": "boolean"},
         "location": {"type": "object", "additionalProperties": false, "required": ["lat", "lon"],
                      "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
         "hours": {"type": "array", "items": {"type": "integer"}},
         "note": {"type": ["string", "null"]}}}
      """;
  private static final String WEATHER_ARGUMENTS =
      "{\"city\":\"sample\",\"unit\":\"celsius\",\"days\":1,\"threshold\":1.5,\"alerts\":true,"
          + "\"location\":{\"lat\":1.5,\"lon\":1.5},\"hours\":[1],\"note\":\"sample\"}";
  private static final String TIME_PARAMETERS =
      "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"},"
          + "\"format\":{\"type\":\"string\"}},\"required\":[\"zone\"]}";

  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);
  private final List<Exchange> exchanges = new ArrayList<>();

  /** A request sent and its answer; {@code realistic} requests must be valid requests too. */
  private record Exchange(String request, boolean realistic, HttpResponse<String> response) {}

  @AfterEach
  void everyRequestAndAnswerConformsToTheSpec() {
    try {
      OpenApiSpec spec = OpenApiSpec.openAi();
      for (Exchange exchange : exchanges) {
        if (exchange.realistic()) {
          spec.assertValid("CreateChatCompletionRequest", exchange.request());
        }
        HttpResponse<String> response = exchange.response();
        if (response.statusCode() != 200) {
          spec.assertValid("ErrorResponse", response.body());
        } else if (response.body().startsWith("data: ")) {
          List<String> events = TestClient.events(response.body());
          for (String chunk : events.subList(0, events.size() - 1)) {
            spec.assertValid("CreateChatCompletionStreamResponse", chunk);
          }
        } else {
          spec.assertValid("CreateChatCompletionResponse", response.body());
        }
      }
    } finally {
      server.close();
    }
  }

  @Test
  void callsTheToolWithArgumentsSampledFromItsStrictSchema() {
    Map<?, ?> body =
        chat(request(List.of(user("Weather in Oslo?")), "tools", List.of(weatherTool())));

    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("tool_calls");
    Map<?, ?> message = (Map<?, ?>) path(body, "choices", 0, "message");
    assertThat(message.containsKey("content")).isTrue();
    assertThat(message.get("content")).isNull();
    assertThat((List<?>) message.get("tool_calls")).hasSize(1);
    assertThat(path(message, "tool_calls", 0, "id")).isEqualTo("call_fake_1_0");
    assertThat(path(message, "tool_calls", 0, "type")).isEqualTo("function");
    assertThat(path(message, "tool_calls", 0, "function", "name")).isEqualTo("get_weather");
    assertThat(path(message, "tool_calls", 0, "function", "arguments"))
        .isEqualTo(WEATHER_ARGUMENTS);
    int nameAndArguments = "get_weather".length() + WEATHER_ARGUMENTS.length();
    assertThat(path(body, "usage", "completion_tokens"))
        .isEqualTo(new BigDecimal(OpenAiRoutes.tokens(nameAndArguments)));
  }

  @Test
  void samplesOnlyTheRequiredArgumentsOfANonStrictTool() {
    Map<?, ?> body = chat(request(List.of(user("What time is it?")), "tools", List.of(timeTool())));

    assertThat(path(body, "choices", 0, "message", "tool_calls", 0, "function", "arguments"))
        .isEqualTo("{\"zone\":\"sample\"}");
  }

  @Test
  void callsAFunctionWithoutParametersWithAnEmptyObject() {
    Map<String, @Nullable Object> tool =
        Json.object("type", "function", "function", Json.object("name", "ping"));

    Map<?, ?> body = chat(request(List.of(user("ping")), "tools", List.of(tool)));

    assertThat(path(body, "choices", 0, "message", "tool_calls", 0, "function", "arguments"))
        .isEqualTo("{}");
  }

  @Test
  void callsTheToolThatToolChoiceNames() {
    Map<?, ?> body =
        chat(
            request(
                List.of(user("Time please")),
                "tools",
                List.of(weatherTool(), timeTool()),
                "tool_choice",
                Json.object("type", "function", "function", Json.object("name", "get_time"))));

    assertThat(calledTools(body)).containsExactly("call_fake_1_0 get_time");
  }

  @Test
  void callsEveryToolInOrderWhenParallelCallsAreOn() {
    Map<?, ?> body =
        chat(
            request(
                List.of(user("Weather and time?")),
                "tools",
                List.of(weatherTool(), timeTool()),
                "tool_choice",
                "required"));

    assertThat(calledTools(body))
        .containsExactly("call_fake_1_0 get_weather", "call_fake_1_1 get_time");
    assertThat(path(body, "choices", 0, "message", "tool_calls", 1, "function", "arguments"))
        .isEqualTo("{\"zone\":\"sample\"}");
  }

  @Test
  void callsOnlyTheFirstToolWhenParallelCallsAreOff() {
    Map<?, ?> body =
        chat(
            request(
                List.of(user("Weather and time?")),
                "tools",
                List.of(weatherTool(), timeTool()),
                "tool_choice",
                "auto",
                "parallel_tool_calls",
                false));

    assertThat(calledTools(body)).containsExactly("call_fake_1_0 get_weather");
  }

  @Test
  void callsOnlyTheAllowedTools() {
    Map<String, @Nullable Object> allowed =
        Json.object(
            "type",
            "allowed_tools",
            "allowed_tools",
            Json.object(
                "mode",
                "required",
                "tools",
                List.of(
                    Json.object("type", "function", "function", Json.object("name", "get_time")))));

    Map<?, ?> body =
        chat(
            request(
                List.of(user("Time?")),
                "tools",
                List.of(weatherTool(), timeTool()),
                "tool_choice",
                allowed));

    assertThat(calledTools(body)).containsExactly("call_fake_1_0 get_time");
  }

  @Test
  void callsNoToolWhenToolChoiceIsNone() {
    Map<?, ?> body =
        chat(
            request(
                List.of(user("Just talk")),
                "tools",
                List.of(weatherTool()),
                "tool_choice",
                "none"));

    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("stop");
    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("Echo: Just talk");
    assertThat(keys(path(body, "choices", 0, "message"))).doesNotContain("tool_calls");
  }

  @Test
  void givesEveryChoiceTheSameCalls() {
    Map<?, ?> body =
        chat(request(List.of(user("Weather?")), "n", 2, "tools", List.of(weatherTool())));

    assertThat((List<?>) body.get("choices")).hasSize(2);
    assertThat(path(body, "choices", 1, "message", "tool_calls"))
        .isEqualTo(path(body, "choices", 0, "message", "tool_calls"));
  }

  @Test
  void runsAWholeToolLoopAndEchoesTheToolResults() {
    List<Object> messages = new ArrayList<>(List.of(user("Weather and time in Oslo?")));
    List<Object> tools = List.of(weatherTool(), timeTool());

    Map<?, ?> first = chat(request(messages, "tools", tools));
    List<?> calls = (List<?>) path(first, "choices", 0, "message", "tool_calls");
    messages.add(Json.object("role", "assistant", "content", null, "tool_calls", calls));
    messages.add(toolResult((String) path(calls.get(0), "id"), "{\"temperatureC\":21}"));
    messages.add(toolResult((String) path(calls.get(1), "id"), "12:00"));
    Map<?, ?> second = chat(request(messages, "tools", tools));

    assertThat(path(second, "id")).isEqualTo("chatcmpl-fake-2");
    assertThat(path(second, "choices", 0, "finish_reason")).isEqualTo("stop");
    assertThat(path(second, "choices", 0, "message", "content"))
        .isEqualTo("Echo: tool results: {\"temperatureC\":21}; 12:00");
  }

  @Test
  void callsToolsAgainForTheNextUserMessage() {
    List<Object> messages = new ArrayList<>(loopUpToToolResults("12:00"));
    messages.add(Json.object("role", "assistant", "content", "It is noon."));
    messages.add(user("And now?"));

    Map<?, ?> body = chat(request(messages, "tools", List.of(timeTool())));

    assertThat(calledTools(body)).containsExactly("call_fake_1_0 get_time");
  }

  @Test
  void answersTheStructuredSampleAfterToolResults() {
    Map<?, ?> body =
        chat(
            request(
                loopUpToToolResults("12:00"),
                "tools",
                List.of(timeTool()),
                "response_format",
                jsonSchema(
                    "answer",
                    "{\"type\":\"object\",\"properties\":{\"time\":"
                        + "{\"type\":\"string\"}},\"required\":[\"time\"],"
                        + "\"additionalProperties\":false}")));

    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("{\"time\":\"sample\"}");
  }

  @Test
  void answersJsonModeAfterToolResultsWithAnEchoObject() {
    Map<?, ?> body =
        chat(
            request(
                loopUpToToolResults("12:00"),
                "tools",
                List.of(timeTool()),
                "response_format",
                Json.object("type", "json_object")));

    String content = (String) path(body, "choices", 0, "message", "content");
    assertThat(Json.parse(content)).isEqualTo(Map.of("echo", "tool results: 12:00"));
  }

  @Test
  void streamsToolCallsWithTheArgumentsInPieces() {
    HttpResponse<String> response =
        send(
            request(
                List.of(user("Weather and time?")),
                "tools",
                List.of(weatherTool(), timeTool()),
                "stream",
                true,
                "stream_options",
                Json.object("include_usage", true)),
            true);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<String> events = TestClient.events(response.body());
    assertThat(events).last().isEqualTo("[DONE]");
    Map<Object, Map<String, String>> calls = new LinkedHashMap<>();
    List<Object> finishReasons = new ArrayList<>();
    int argumentChunks = 0;
    for (String event : events.subList(0, events.size() - 2)) {
      Map<?, ?> choice = (Map<?, ?>) path((Map<?, ?>) Json.parse(event), "choices", 0);
      finishReasons.add(choice.get("finish_reason"));
      Object deltas = path(choice, "delta", "tool_calls");
      for (Object delta : deltas == null ? List.of() : (List<?>) deltas) {
        Map<String, String> call =
            calls.computeIfAbsent(path(delta, "index"), index -> new LinkedHashMap<>());
        if (path(delta, "id") != null) {
          call.put("id", (String) path(delta, "id"));
          call.put("name", (String) path(delta, "function", "name"));
        } else {
          argumentChunks++;
        }
        call.merge("arguments", (String) path(delta, "function", "arguments"), String::concat);
      }
    }
    assertThat(calls.values())
        .containsExactly(
            Map.of("id", "call_fake_1_0", "name", "get_weather", "arguments", WEATHER_ARGUMENTS),
            Map.of(
                "id", "call_fake_1_1", "name", "get_time", "arguments", "{\"zone\":\"sample\"}"));
    // Pieces of at most 8 characters: {"zone":"sample"} (17 characters) comes in 3.
    assertThat(argumentChunks).isEqualTo((WEATHER_ARGUMENTS.length() + 7) / 8 + 3);
    assertThat(finishReasons).containsOnlyOnce("tool_calls").last().isEqualTo("tool_calls");
    Map<?, ?> usage = (Map<?, ?>) Json.parse(events.get(events.size() - 2));
    assertThat(path(usage, "usage", "completion_tokens")).isNotNull();
  }

  @Test
  void answersAJsonSchemaFormatWithItsSample() {
    String schema =
        """
        {"type": "object", "additionalProperties": false,
         "required": ["city", "days", "sights", "budget", "kind"],
         "properties": {"city": {"type": "string"}, "days": {"type": "integer"},
                        "sights": {"type": "array", "items": {"type": "string"}},
                        "budget": {"type": ["number", "null"]},
                        "kind": {"enum": ["city trip", "beach"]}}}
        """;

    Map<?, ?> body =
        chat(request(List.of(user("Plan a trip")), "response_format", jsonSchema("trip", schema)));

    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("stop");
    String content = (String) path(body, "choices", 0, "message", "content");
    assertThat(content)
        .isEqualTo(
            "{\"city\":\"sample\",\"days\":1,\"sights\":[\"sample\"],\"budget\":1.5,"
                + "\"kind\":\"city trip\"}");
    assertThat(keys(Json.parse(content)))
        .containsExactly("city", "days", "sights", "budget", "kind");
  }

  @Test
  void scriptedResponsesStillWinOverToolCalls() {
    server.enqueue(FakeResponse.chatCompletion("Scripted"));

    Map<?, ?> body = chat(request(List.of(user("Weather?")), "tools", List.of(weatherTool())));

    assertThat(path(body, "choices", 0, "message", "content")).isEqualTo("Scripted");
  }

  static Stream<Arguments> badRequests() {
    Map<String, @Nullable Object> weather = weatherTool();
    return Stream.of(
        Arguments.of(
            "a tool without a name",
            request(
                List.of(user("x")),
                "tools",
                List.of(Json.object("type", "function", "function", Json.object()))),
            "tools[0].function.name"),
        Arguments.of(
            "a tool name with spaces",
            request(
                List.of(user("x")),
                "tools",
                List.of(
                    Json.object("type", "function", "function", Json.object("name", "get it")))),
            "tools[0].function.name"),
        Arguments.of(
            "a custom tool",
            request(
                List.of(user("x")),
                "tools",
                List.of(Json.object("type", "custom", "custom", Json.object("name", "grep")))),
            "tools[0].type"),
        Arguments.of(
            "a tool without its function",
            request(List.of(user("x")), "tools", List.of(Json.object("type", "function"))),
            "tools[0].function"),
        Arguments.of(
            "a flat tool",
            request(List.of(user("x")), "tools", List.of(Json.object("name", "get_weather"))),
            "tools[0].type"),
        Arguments.of(
            "tools that are not an array", request(List.of(user("x")), "tools", weather), "tools"),
        Arguments.of("empty tools", request(List.of(user("x")), "tools", List.of()), "tools"),
        Arguments.of(
            "parameters that are not an object schema",
            request(
                List.of(user("x")), "tools", List.of(tool("f", "{\"type\":\"string\"}", false))),
            "tools[0].function.parameters"),
        Arguments.of(
            "parameters that always recurse",
            request(
                List.of(user("x")),
                "tools",
                List.of(
                    tool(
                        "f",
                        "{\"type\":\"object\",\"required\":[\"me\"],"
                            + "\"properties\":{\"me\":{\"$ref\":\"#\"}}}",
                        false))),
            "tools[0].function.parameters"),
        Arguments.of(
            "a tool choice naming another tool",
            request(
                List.of(user("x")),
                "tools",
                List.of(weather),
                "tool_choice",
                Json.object("type", "function", "function", Json.object("name", "get_time"))),
            "tool_choice.function.name"),
        Arguments.of(
            "an unknown tool choice",
            request(List.of(user("x")), "tools", List.of(weather), "tool_choice", "sometimes"),
            "tool_choice"),
        Arguments.of(
            "parallel_tool_calls that is not a boolean",
            request(List.of(user("x")), "tools", List.of(weather), "parallel_tool_calls", "yes"),
            "parallel_tool_calls"),
        Arguments.of(
            "a json_schema format without schema",
            request(
                List.of(user("x")),
                "response_format",
                Json.object("type", "json_schema", "json_schema", Json.object("name", "trip"))),
            "response_format.json_schema.schema"),
        Arguments.of(
            "a json_schema format without name",
            request(
                List.of(user("x")),
                "response_format",
                Json.object(
                    "type",
                    "json_schema",
                    "json_schema",
                    Json.object("schema", Json.object("type", "object")))),
            "response_format.json_schema.name"),
        Arguments.of(
            "a json_schema format without json_schema",
            request(List.of(user("x")), "response_format", Json.object("type", "json_schema")),
            "response_format.json_schema"),
        Arguments.of(
            "a schema with an unknown type",
            request(List.of(user("x")), "response_format", jsonSchema("t", "{\"type\":\"text\"}")),
            "response_format.json_schema.schema"),
        Arguments.of(
            "an unknown response format",
            request(List.of(user("x")), "response_format", Json.object("type", "yaml")),
            "response_format.type"),
        Arguments.of(
            "a tool message answering no call",
            request(List.of(user("x"), toolResult("call_1", "21"))),
            "messages[1].role"),
        Arguments.of(
            "a tool message without tool_call_id",
            request(List.of(user("x"), Json.object("role", "tool", "content", "21"))),
            "messages[1].tool_call_id"),
        Arguments.of(
            "a call left unanswered",
            request(
                List.of(
                    user("x"),
                    Json.object(
                        "role",
                        "assistant",
                        "content",
                        null,
                        "tool_calls",
                        List.of(call("call_1"), call("call_2"))),
                    toolResult("call_1", "21"))),
            "messages[1].tool_calls"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void rejectsABadRequestNamingTheParameter(String name, String request, String param) {
    HttpResponse<String> response = send(request, false);

    assertThat(response.statusCode()).isEqualTo(400);
    Map<?, ?> error = (Map<?, ?>) path((Map<?, ?>) Json.parse(response.body()), "error");
    assertThat(error.get("type")).isEqualTo("invalid_request_error");
    assertThat(error.get("param")).isEqualTo(param);
    assertThat((String) error.get("message")).isNotBlank();
  }

  private Map<?, ?> chat(String request) {
    HttpResponse<String> response = send(request, true);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<?, ?>) Json.parse(response.body());
  }

  private HttpResponse<String> send(String request, boolean realistic) {
    HttpResponse<String> response = client.chat(request);
    exchanges.add(new Exchange(request, realistic, response));
    return response;
  }

  private static List<String> calledTools(Map<?, ?> body) {
    assertThat(path(body, "choices", 0, "finish_reason")).isEqualTo("tool_calls");
    List<String> called = new ArrayList<>();
    for (Object call : (List<?>) path(body, "choices", 0, "message", "tool_calls")) {
      called.add(path(call, "id") + " " + path(call, "function", "name"));
    }
    return called;
  }

  /** A conversation that asked for the time, got a call from request 1, and has its result. */
  private static List<Object> loopUpToToolResults(String result) {
    return List.of(
        user("What time is it?"),
        Json.object(
            "role", "assistant", "content", null, "tool_calls", List.of(call("call_fake_1_0"))),
        toolResult("call_fake_1_0", result));
  }

  private static String request(List<?> messages, @Nullable Object... more) {
    Map<String, @Nullable Object> body = Json.object("model", "gpt-4o-mini", "messages", messages);
    body.putAll(Json.object(more));
    return Json.write(body);
  }

  private static Map<String, @Nullable Object> user(String text) {
    return Json.object("role", "user", "content", text);
  }

  private static Map<String, @Nullable Object> toolResult(String callId, String content) {
    return Json.object("role", "tool", "tool_call_id", callId, "content", content);
  }

  private static Map<String, @Nullable Object> call(String id) {
    return Json.object(
        "id",
        id,
        "type",
        "function",
        "function",
        Json.object("name", "get_time", "arguments", "{\"zone\":\"sample\"}"));
  }

  private static Map<String, @Nullable Object> weatherTool() {
    return tool("get_weather", WEATHER_PARAMETERS, true);
  }

  private static Map<String, @Nullable Object> timeTool() {
    return tool("get_time", TIME_PARAMETERS, false);
  }

  private static Map<String, @Nullable Object> tool(
      String name, String parameters, boolean strict) {
    return Json.object(
        "type",
        "function",
        "function",
        Json.object(
            "name",
            name,
            "description",
            "A test tool",
            "parameters",
            Json.parse(parameters),
            "strict",
            strict));
  }

  private static Map<String, @Nullable Object> jsonSchema(String name, String schema) {
    return Json.object(
        "type",
        "json_schema",
        "json_schema",
        Json.object("name", name, "schema", Json.parse(schema), "strict", true));
  }

  private static List<Object> keys(@Nullable Object map) {
    return new ArrayList<>(((Map<?, ?>) map).keySet());
  }

  private static @Nullable Object path(Object root, Object... keys) {
    return FakeOpenAiServerTest.path((Map<?, ?>) root, keys);
  }
}
