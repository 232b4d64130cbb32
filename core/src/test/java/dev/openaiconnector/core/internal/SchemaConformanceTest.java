package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolFunction;
import dev.openaiconnector.conformance.OpenApiSpec;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.core.testing.Trips.Stop;
import dev.openaiconnector.core.testing.Trips.Transport;
import dev.openaiconnector.core.testing.Trips.Trip;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Generated schemas inside real OpenAI request bodies: the spec checks the envelope, and the
 * strict structured outputs rules, which the spec does not describe, are checked here.
 */
class SchemaConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHAT_REQUEST = "CreateChatCompletionRequest";

  // The keywords this library writes; OpenAI's strict mode supports these, among a few others.
  private static final Set<String> KEYWORDS =
      Set.of(
          "type", "description", "properties", "required", "additionalProperties", "enum",
          "items", "anyOf");

  /** Tools with parameters of every supported kind. */
  public static class TravelTools {
    @ToolFunction(description = "Plans a trip")
    public String plan(@Description("The trip") Trip trip, Transport transport, LocalDate day) {
      return "ok";
    }
  }

  @Test
  void strictToolSchemasFitTheChatCompletionRequest() throws Exception {
    List<Tool> tools = new ArrayList<>(Tools.fromMethods(new TravelTools()));
    tools.add(Tools.of("add_stop", "Adds a stop", Stop.class, stop -> "ok"));
    tools.add(Tools.of("plan_trip", "Plans a trip", Trip.class, trip -> "ok"));

    ObjectNode body = request();
    for (Tool tool : tools) {
      ObjectNode function =
          body.withArray("tools").addObject().put("type", "function").putObject("function");
      function
          .put("name", tool.name())
          .put("description", tool.definition().description())
          .put("strict", tool.definition().strict());
      JsonNode schema = JSON.readTree(tool.definition().parametersSchema());
      function.set("parameters", schema);

      assertThat(schema.path("type").asText()).isEqualTo("object");
      assertFollowsStrictRules(schema, "$");
    }

    OpenApiSpec.openAi().assertValid(CHAT_REQUEST, body.toString());
  }

  @Test
  void structuredOutputSchemasFitTheChatCompletionRequest() throws Exception {
    for (Class<?> type : List.of(Trip.class, Stop.class)) {
      ResponseFormat format = StructuredOutputs.responseFormat(type);
      JsonNode schema = JSON.readTree(format.schema().orElseThrow());
      assertThat(schema.path("type").asText()).isEqualTo("object");
      ObjectNode body = request();
      body.putObject("response_format")
          .put("type", format.type().wireValue())
          .putObject("json_schema")
          .put("name", format.schemaName().orElseThrow())
          .put("strict", format.strict())
          .set("schema", schema);

      assertFollowsStrictRules(schema, "$");
      OpenApiSpec.openAi().assertValid(CHAT_REQUEST, body.toString());
    }
  }

  private static ObjectNode request() {
    ObjectNode body = JSON.createObjectNode().put("model", "gpt-4o-mini");
    body.putArray("messages").addObject().put("role", "user").put("content", "Plan my trip");
    return body;
  }

  /**
   * Every object lists all its properties as required and forbids others; only known keywords are
   * used.
   */
  private static void assertFollowsStrictRules(JsonNode schema, String path) {
    Iterator<String> keywords = schema.fieldNames();
    while (keywords.hasNext()) {
      assertThat(KEYWORDS).as("keyword at %s", path).contains(keywords.next());
    }
    if (schema.path("type").asText().equals("object")) {
      assertThat(schema.path("additionalProperties").isBoolean()
              && !schema.path("additionalProperties").booleanValue())
          .as("additionalProperties false at %s", path)
          .isTrue();
      List<String> names = new ArrayList<>();
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        names.add(property.getKey());
        assertFollowsStrictRules(property.getValue(), path + "." + property.getKey());
      }
      List<String> required = new ArrayList<>();
      schema.path("required").forEach(name -> required.add(name.asText()));
      assertThat(required).as("required at %s", path).isEqualTo(names);
    }
    if (schema.has("items")) {
      assertFollowsStrictRules(schema.get("items"), path + "[]");
    }
    for (JsonNode branch : schema.path("anyOf")) {
      assertFollowsStrictRules(branch, path + "|");
    }
  }
}
