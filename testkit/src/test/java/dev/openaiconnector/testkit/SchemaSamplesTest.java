package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.openaiconnector.testkit.internal.Json;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The documented sample rules, each sample also checked against its schema by a validator. */
class SchemaSamplesTest {
  private static final SchemaRegistry VALIDATORS =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          registry ->
              registry.schemaRegistryConfig(
                  SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

  /** Returns the sample as compact JSON, after checking that the schema accepts it. */
  private static String sample(String schema, boolean strict) {
    String json = Json.write(SchemaSamples.sample((Map<?, ?>) Json.parse(schema), strict));
    assertThat(VALIDATORS.getSchema(schema).validate(json, InputFormat.JSON))
        .as("violations of sample %s against %s", json, schema)
        .isEmpty();
    return json;
  }

  @Test
  void samplesEveryPropertyOfAStrictSchemaWithTheDocumentedValues() {
    String schema =
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

    assertThat(sample(schema, true))
        .isEqualTo(
            "{\"city\":\"sample\",\"unit\":\"celsius\",\"days\":1,\"threshold\":1.5,"
                + "\"alerts\":true,\"location\":{\"lat\":1.5,\"lon\":1.5},\"hours\":[1],"
                + "\"note\":\"sample\"}");
  }

  @Test
  void samplesOnlyTheRequiredPropertiesUnlessStrict() {
    String schema =
        """
        {"type": "object", "required": ["b"],
         "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}}}
        """;

    assertThat(sample(schema, false)).isEqualTo("{\"b\":true}");
    assertThat(sample(schema, true)).isEqualTo("{\"a\":1,\"b\":true}");
  }

  @Test
  void samplesARequiredNameMissingFromPropertiesWithAdditionalProperties() {
    assertThat(sample("{\"type\":\"object\",\"required\":[\"x\"]}", false))
        .isEqualTo("{\"x\":\"sample\"}");
    assertThat(
            sample(
                "{\"type\":\"object\",\"required\":[\"x\"],"
                    + "\"additionalProperties\":{\"type\":\"integer\"}}",
                false))
        .isEqualTo("{\"x\":1}");
  }

  @Test
  void prefersTheFirstNonNullTypeOrAlternative() {
    assertThat(sample("{\"type\":[\"null\",\"integer\"]}", true)).isEqualTo("1");
    assertThat(sample("{\"type\":\"null\"}", true)).isEqualTo("null");
    assertThat(sample("{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"boolean\"}]}", true))
        .isEqualTo("true");
    assertThat(sample("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", true))
        .isEqualTo("\"sample\"");
  }

  @Test
  void takesTheFirstEnumValueAndTheConstValue() {
    assertThat(sample("{\"enum\":[\"b\",\"a\"]}", true)).isEqualTo("\"b\"");
    assertThat(sample("{\"type\":\"integer\",\"enum\":[7,3]}", true)).isEqualTo("7");
    assertThat(sample("{\"const\":{\"kind\":\"fixed\"}}", true)).isEqualTo("{\"kind\":\"fixed\"}");
  }

  @Test
  void infersTheTypeOfAnUntypedSchema() {
    assertThat(sample("{}", true)).isEqualTo("\"sample\"");
    assertThat(sample("{\"properties\":{\"a\":{\"type\":\"integer\"}}}", true))
        .isEqualTo("{\"a\":1}");
    assertThat(sample("{\"items\":{\"type\":\"boolean\"}}", true)).isEqualTo("[true]");
  }

  @Test
  void followsLocalReferences() {
    String schema =
        """
        {"type": "object", "required": ["home", "work"],
         "properties": {"home": {"$ref": "#/$defs/address"},
                        "work": {"$ref": "#/definitions/office"}},
         "$defs": {"address": {"type": "object", "required": ["street"],
                               "properties": {"street": {"type": "string"}}}},
         "definitions": {"office": {"type": "integer", "minimum": 3}}}
        """;

    assertThat(sample(schema, false)).isEqualTo("{\"home\":{\"street\":\"sample\"},\"work\":3}");
  }

  @Test
  void endsARecursionWithNullOrAnEmptyArray() {
    String list =
        """
        {"$ref": "#/$defs/node",
         "$defs": {"node": {"type": "object", "additionalProperties": false,
                            "required": ["value", "next"],
                            "properties": {"value": {"type": "integer"},
                                           "next": {"anyOf": [{"$ref": "#/$defs/node"},
                                                              {"type": "null"}]}}}}}
        """;
    String tree =
        """
        {"type": "object", "required": ["name", "children"],
         "properties": {"name": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": "#"}}}}
        """;

    assertThat(sample(list, true)).isEqualTo("{\"value\":1,\"next\":null}");
    assertThat(sample(tree, true)).isEqualTo("{\"name\":\"sample\",\"children\":[]}");
  }

  @Test
  void usesFixedValuesForKnownFormats() {
    String schema =
        """
        {"type": "object", "properties": {
          "dateTime": {"type": "string", "format": "date-time"},
          "date": {"type": "string", "format": "date"},
          "time": {"type": "string", "format": "time"},
          "duration": {"type": "string", "format": "duration"},
          "email": {"type": "string", "format": "email"},
          "hostname": {"type": "string", "format": "hostname"},
          "ipv4": {"type": "string", "format": "ipv4"},
          "ipv6": {"type": "string", "format": "ipv6"},
          "uuid": {"type": "string", "format": "uuid"},
          "uri": {"type": "string", "format": "uri"},
          "other": {"type": "string", "format": "something-else"}}}
        """;

    assertThat(Json.parse(sample(schema, true)))
        .isEqualTo(
            Json.object(
                "dateTime", "2025-01-01T00:00:00Z",
                "date", "2025-01-01",
                "time", "00:00:00Z",
                "duration", "P1D",
                "email", "sample@example.com",
                "hostname", "example.com",
                "ipv4", "192.0.2.1",
                "ipv6", "2001:db8::1",
                "uuid", "00000000-0000-4000-8000-000000000000",
                "uri", "https://example.com/sample",
                "other", "sample"));
  }

  @Test
  void fitsStringsToTheirLengthLimits() {
    assertThat(sample("{\"type\":\"string\",\"minLength\":10}", true)).isEqualTo("\"samplesamp\"");
    assertThat(sample("{\"type\":\"string\",\"maxLength\":3}", true)).isEqualTo("\"sam\"");
  }

  static Stream<Arguments> boundedNumbers() {
    return Stream.of(
        Arguments.of("{\"type\":\"integer\",\"minimum\":5}", "5"),
        Arguments.of("{\"type\":\"integer\",\"maximum\":-2.5}", "-3"),
        Arguments.of("{\"type\":\"integer\",\"exclusiveMinimum\":1}", "2"),
        Arguments.of("{\"type\":\"integer\",\"exclusiveMaximum\":0}", "-1"),
        Arguments.of("{\"type\":\"integer\",\"minimum\":1,\"multipleOf\":5}", "5"),
        Arguments.of("{\"type\":\"number\",\"minimum\":0,\"maximum\":10}", "1.5"),
        Arguments.of("{\"type\":\"number\",\"minimum\":2,\"maximum\":3}", "2.5"),
        Arguments.of("{\"type\":\"number\",\"exclusiveMinimum\":1.5}", "2.5"),
        Arguments.of("{\"type\":\"number\",\"maximum\":0.25}", "0.25"),
        Arguments.of("{\"type\":\"number\",\"exclusiveMaximum\":1}", "0"),
        Arguments.of("{\"type\":\"number\",\"multipleOf\":0.4}", "1.6"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("boundedNumbers")
  void movesNumbersInsideTheirBounds(String schema, String expected) {
    assertThat(sample(schema, true)).isEqualTo(expected);
  }

  @Test
  void fillsArraysToTheirItemCounts() {
    assertThat(sample("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":3}", true))
        .isEqualTo("[1,1,1]");
    assertThat(sample("{\"type\":\"array\",\"maxItems\":0}", true)).isEqualTo("[]");
    assertThat(
            sample(
                "{\"type\":\"array\","
                    + "\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"boolean\"}],"
                    + "\"items\":false}",
                true))
        .isEqualTo("[1,true]");
  }

  @Test
  void mergesTheSchemasOfAllOf() {
    String schema =
        """
        {"allOf": [{"$ref": "#/$defs/named"},
                   {"type": "object", "required": ["age"],
                    "properties": {"age": {"type": "integer", "minimum": 18}}}],
         "$defs": {"named": {"type": "object", "required": ["name"],
                             "properties": {"name": {"type": "string"}}}}}
        """;

    assertThat(sample(schema, false)).isEqualTo("{\"name\":\"sample\",\"age\":18}");
  }

  @Test
  void givesTheSameSampleEveryTime() {
    String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"}}}";

    assertThat(sample(schema, true)).isEqualTo(sample(schema, true));
  }

  static Stream<Arguments> schemasWithoutSample() {
    return Stream.of(
        Arguments.of(
            "a required property that always recurses",
            "{\"type\":\"object\",\"required\":[\"self\"],"
                + "\"properties\":{\"self\":{\"$ref\":\"#\"}}}",
            "at #/properties/self: the schema has no finite value"),
        Arguments.of(
            "the false schema",
            "{\"type\":\"object\",\"required\":[\"x\"],\"properties\":{\"x\":false}}",
            "at #/properties/x: the schema false accepts no value"),
        Arguments.of(
            "a remote reference",
            "{\"$ref\":\"https://example.com/schema.json\"}",
            "at #: only local $ref values"),
        Arguments.of("a dangling reference", "{\"$ref\":\"#/$defs/missing\"}", "points nowhere"),
        Arguments.of("an empty enum", "{\"enum\":[]}", "at #/enum: expected a non-empty array"),
        Arguments.of("an unknown type", "{\"type\":\"text\"}", "at #/type: unknown type text"),
        Arguments.of(
            "an endless allOf",
            "{\"$defs\":{\"a\":{\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}},"
                + "\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}",
            "nests deeper than 64 levels"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemasWithoutSample")
  void rejectsASchemaWithoutSampleNamingThePlace(String name, String schema, String message) {
    Map<?, ?> parsed = (Map<?, ?>) Json.parse(schema);

    assertThatThrownBy(() -> SchemaSamples.sample(parsed, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
