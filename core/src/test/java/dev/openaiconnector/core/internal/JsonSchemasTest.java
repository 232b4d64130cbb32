package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.core.testing.Trips.Transport;
import dev.openaiconnector.core.testing.Trips.Trip;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String STOP_STRICT =
      """
      {"type": "object",
       "properties": {
         "city": {"type": "string", "description": "City name"},
         "nights": {"type": ["integer", "null"]}},
       "required": ["city", "nights"],
       "additionalProperties": false}
      """;

  private static final String STOP_NOT_STRICT =
      """
      {"type": "object",
       "properties": {
         "city": {"type": "string", "description": "City name"},
         "nights": {"type": "integer"}},
       "required": ["city"],
       "additionalProperties": false}
      """;

  @Test
  void strictSchemaRequiresEveryPropertyAndLetsOptionalOnesBeNull() {
    String expected =
        """
        {"type": "object",
         "description": "A planned trip",
         "properties": {
           "traveller": {"type": "string", "description": "Name of the traveller"},
           "days": {"type": "integer"},
           "budget": {"type": "number"},
           "refundable": {"type": "boolean"},
           "transport": {"type": "string", "enum": ["TRAIN", "PLANE"]},
           "stops": {"type": "array", "items": %1$s, "description": "Stops in order"},
           "notes": {"type": ["string", "null"]},
           "detour": {"anyOf": [%1$s, {"type": "null"}]},
           "preferred": {"anyOf": [{"type": "string", "enum": ["TRAIN", "PLANE"]},
                                   {"type": "null"}]},
           "start": {"type": "string",
                     "description": "First day (ISO-8601 date, e.g. 2024-01-31)"}},
         "required": ["traveller", "days", "budget", "refundable", "transport", "stops",
                      "notes", "detour", "preferred", "start"],
         "additionalProperties": false}
        """
            .formatted(STOP_STRICT);

    assertThat(JsonSchemas.forType(Trip.class, true).json()).isEqualTo(compact(expected));
  }

  @Test
  void nonStrictSchemaLeavesOptionalPropertiesOutOfRequired() {
    String expected =
        """
        {"type": "object",
         "description": "A planned trip",
         "properties": {
           "traveller": {"type": "string", "description": "Name of the traveller"},
           "days": {"type": "integer"},
           "budget": {"type": "number"},
           "refundable": {"type": "boolean"},
           "transport": {"type": "string", "enum": ["TRAIN", "PLANE"]},
           "stops": {"type": "array", "items": %1$s, "description": "Stops in order"},
           "notes": {"type": "string"},
           "detour": %1$s,
           "preferred": {"type": "string", "enum": ["TRAIN", "PLANE"]},
           "start": {"type": "string",
                     "description": "First day (ISO-8601 date, e.g. 2024-01-31)"}},
         "required": ["traveller", "days", "budget", "refundable", "transport", "stops",
                      "start"],
         "additionalProperties": false}
        """
            .formatted(STOP_NOT_STRICT);

    assertThat(JsonSchemas.forType(Trip.class, false).json()).isEqualTo(compact(expected));
  }

  /** Big numbers, boxed and small integer types, chars, sets and arrays. */
  record Measures(
      BigDecimal amount,
      BigInteger count,
      Long id,
      short small,
      byte tiny,
      float ratio,
      char grade,
      Set<String> tags,
      int[] scores,
      Instant at) {}

  @Test
  void mapsEveryScalarTypeToItsJsonType() {
    String expected =
        """
        {"type": "object",
         "properties": {
           "amount": {"type": "number"},
           "count": {"type": "integer"},
           "id": {"type": "integer"},
           "small": {"type": "integer"},
           "tiny": {"type": "integer"},
           "ratio": {"type": "number"},
           "grade": {"type": "string"},
           "tags": {"type": "array", "items": {"type": "string"}},
           "scores": {"type": "array", "items": {"type": "integer"}},
           "at": {"type": "string",
                  "description": "ISO-8601 instant in UTC, e.g. 2024-01-31T13:45:00Z"}},
         "required": ["amount", "count", "id", "small", "tiny", "ratio", "grade", "tags",
                      "scores", "at"],
         "additionalProperties": false}
        """;

    assertThat(JsonSchemas.forType(Measures.class, true).json()).isEqualTo(compact(expected));
  }

  /** A plain class: fields in declaration order, superclass first, static and transient skipped. */
  static class Base {
    String id = "";
  }

  /** A plain class with a description on its type and fields. */
  @Description("A contact")
  static class Contact extends Base {
    static final int VERSION = 1;

    @Description("Full name")
    String name = "";

    @dev.openaiconnector.core.testing.Nullable String email;

    transient int cachedHash;
  }

  @Test
  void describesPlainClassesByTheirFields() {
    String expected =
        """
        {"type": "object",
         "description": "A contact",
         "properties": {
           "id": {"type": "string"},
           "name": {"type": "string", "description": "Full name"},
           "email": {"type": ["string", "null"]}},
         "required": ["id", "name", "email"],
         "additionalProperties": false}
        """;

    assertThat(JsonSchemas.forType(Contact.class, true).json()).isEqualTo(compact(expected));
  }

  /** Free-form values, allowed outside strict mode only. */
  record Scores(Map<String, Integer> byPlayer) {}

  @Test
  void describesStringKeyedMapsOnlyOutsideStrictMode() {
    assertThat(JsonSchemas.forType(Scores.class, false).json())
        .isEqualTo(
            compact(
                """
                {"type": "object",
                 "properties": {
                   "byPlayer": {"type": "object", "additionalProperties": {"type": "integer"}}},
                 "required": ["byPlayer"],
                 "additionalProperties": false}
                """));
    assertThatThrownBy(() -> JsonSchemas.forType(Scores.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.util.Map<java.lang.String, java.lang.Integer>")
        .hasMessageContaining("Scores.byPlayer")
        .hasMessageContaining("strict schemas forbid free-form objects");
  }

  @Test
  void generatesTheSameSchemaEveryTimeAndCachesIt() {
    JsonSchema first = JsonSchemas.forType(Trip.class, true);

    assertThat(JsonSchemas.forType(Trip.class, true)).isSameAs(first);
    assertThat(JsonSchemas.forType(Trip.class, false)).isNotSameAs(first);
    assertThat(JsonSchemas.forType(Trip.class, true).json()).isEqualTo(first.json());
  }

  /** An unsupported property, nested. */
  record Payload(Object body) {}

  /** Holds the unsupported property in a list. */
  record Envelope(List<Payload> payloads) {}

  @Test
  void rejectsObjectPropertiesNamingTheTypeAndThePath() {
    assertThatThrownBy(() -> JsonSchemas.forType(Envelope.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("Envelope.payloads[].body");
  }

  /** A wildcard. */
  record Wild(List<? extends Number> values) {}

  @Test
  void rejectsWildcards() {
    assertThatThrownBy(() -> JsonSchemas.forType(Wild.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("? extends java.lang.Number")
        .hasMessageContaining("Wild.values[]");
  }

  /** A raw list. */
  @SuppressWarnings("rawtypes")
  record Raw(List values) {}

  @Test
  void rejectsRawGenerics() {
    assertThatThrownBy(() -> JsonSchemas.forType(Raw.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.util.List at Raw.values")
        .hasMessageContaining("give the type arguments");
  }

  /** Optional where it cannot mean "optional property". */
  record Nested(List<Optional<String>> values) {}

  @Test
  void rejectsOptionalInsideOtherTypes() {
    assertThatThrownBy(() -> JsonSchemas.forType(Nested.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Nested.values[]")
        .hasMessageContaining("only as the type of a property");
  }

  /** A tree: recursive. */
  record Node(String name, List<Node> children) {}

  @Test
  void rejectsRecursiveTypesClearly() {
    assertThatThrownBy(() -> JsonSchemas.forType(Node.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recursive type")
        .hasMessageContaining("Node.children[]")
        .hasMessageContaining("Node > Node");
  }

  /** The same type twice is not recursion. */
  record Route(Trip outbound, Trip inbound) {}

  @Test
  void acceptsTheSameTypeInTwoPlaces() {
    assertThat(JsonSchemas.forType(Route.class, true).json())
        .contains("\"outbound\":{\"type\":\"object\",\"description\":\"A planned trip\"")
        .contains("\"inbound\":{\"type\":\"object\",\"description\":\"A planned trip\"");
  }

  @Test
  void rejectsRootsThatAreNotObjects() {
    for (Class<?> type : List.of(String.class, int.class, List.class, Transport.class)) {
      assertThatThrownBy(() -> JsonSchemas.forType(type, true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(type.getTypeName())
          .hasMessageContaining("use a record or a class with fields");
    }
  }

  /** A class that Jackson could not create. */
  static class NoDefaultConstructor {
    final String name;

    NoDefaultConstructor(String name) {
      this.name = name;
    }
  }

  @Test
  void rejectsClassesWithoutConstructorWithoutParameters() {
    assertThatThrownBy(() -> JsonSchemas.forType(NoDefaultConstructor.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("constructor without parameters")
        .hasMessageContaining("record");
  }

  /** A primitive cannot be null. */
  record NullablePrimitive(@dev.openaiconnector.core.testing.Nullable int count) {}

  @Test
  void rejectsNullablePrimitives() {
    assertThatThrownBy(() -> JsonSchemas.forType(NullablePrimitive.class, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NullablePrimitive.count")
        .hasMessageContaining("use its wrapper type");
  }

  private static String compact(String json) {
    try {
      return JSON.readTree(json).toString();
    } catch (Exception e) {
      throw new AssertionError("bad golden JSON: " + json, e);
    }
  }
}
