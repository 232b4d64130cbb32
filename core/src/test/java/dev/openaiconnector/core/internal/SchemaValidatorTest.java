package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.core.testing.Trips.Stop;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  record Forecast(
      String city,
      int days,
      Unit unit,
      List<String> tags,
      List<Stop> stops,
      Optional<Stop> detour,
      Optional<Double> temperature) {}

  record Tally(Map<String, Integer> counts, Optional<String> note) {}

  private static final String VALID =
      "{'city': 'Paris', 'days': 3, 'unit': 'CELSIUS', 'tags': ['food'],"
          + " 'stops': [{'city': 'Lyon', 'nights': 2}], 'detour': null, 'temperature': 21.5}";

  @Test
  void acceptsAValueThatMatches() {
    assertThat(problems(VALID)).isEmpty();
  }

  @Test
  void reportsAMissingRequiredProperty() {
    assertThat(problems(VALID.replace("'city': 'Paris', ", "")))
        .containsExactly("$.city: is required");
  }

  @Test
  void reportsAWrongType() {
    assertThat(problems(VALID.replace("'days': 3", "'days': 'three'")))
        .containsExactly("$.days: expected integer, got string");
  }

  @Test
  void countsAWholeDecimalAsAnIntegerButNotAFraction() {
    assertThat(problems(VALID.replace("'days': 3", "'days': 3.0"))).isEmpty();
    assertThat(problems(VALID.replace("'days': 3", "'days': 3.5")))
        .containsExactly("$.days: expected integer, got number");
  }

  @Test
  void reportsAValueOutsideTheEnum() {
    assertThat(problems(VALID.replace("CELSIUS", "KELVIN")))
        .containsExactly("$.unit: must be one of [CELSIUS, FAHRENHEIT]");
  }

  @Test
  void reportsAPropertyTheSchemaDoesNotAllow() {
    assertThat(problems(VALID.replace("'days': 3", "'days': 3, 'extra': 1")))
        .containsExactly("$.extra: is not allowed");
  }

  @Test
  void namesTheFullPathOfANestedProblem() {
    String lyon = "{'city': 'Lyon', 'nights': 2}";
    String twoStops = VALID.replace(lyon, lyon + ", {'nights': 1}");

    assertThat(problems(twoStops)).containsExactly("$.stops[1].city: is required");
  }

  @Test
  void checksEveryItemOfAnArray() {
    assertThat(problems(VALID.replace("['food']", "['food', 'wine', 7]")))
        .containsExactly("$.tags[2]: expected string, got integer");
    assertThat(problems(VALID.replace("'stops': [{", "'stops': ['Lyon', {")))
        .containsExactly("$.stops[0]: expected object, got string");
  }

  @Test
  void acceptsNullForOptionalPropertiesAndChecksTheirValueOtherwise() {
    assertThat(problems(VALID.replace("'temperature': 21.5", "'temperature': null"))).isEmpty();
    assertThat(problems(VALID.replace("'temperature': 21.5", "'temperature': 'warm'")))
        .containsExactly("$.temperature: expected number or null, got string");
    assertThat(
            problems(VALID.replace("'detour': null", "'detour': {'city': 7, 'nights': null}")))
        .containsExactly("$.detour.city: expected string, got integer");
  }

  @Test
  void rejectsNullForRequiredProperties() {
    assertThat(problems(VALID.replace("'Paris'", "null")))
        .containsExactly("$.city: expected string, got null");
  }

  @Test
  void reportsEveryProblemAtOnceInPropertyOrder() {
    String json = "{'days': 'x', 'unit': 'KELVIN', 'tags': [], 'stops': [], 'extra': true}";

    assertThat(problems(json))
        .containsExactly(
            "$.city: is required",
            "$.days: expected integer, got string",
            "$.unit: must be one of [CELSIUS, FAHRENHEIT]",
            "$.detour: is required",
            "$.temperature: is required",
            "$.extra: is not allowed");
  }

  @Test
  void reportsARootThatIsNotAnObject() {
    assertThat(problems("[1, 2]")).containsExactly("$: expected object, got array");
  }

  @Test
  void checksTheValuesOfAFreeFormMap() {
    JsonSchema schema = JsonSchemas.forType(Tally.class, false);

    assertThat(schema.validate(json("{'counts': {'a': 1, 'b': 2}}"))).isEmpty();
    assertThat(schema.validate(json("{'counts': {'a': 1, 'odd name': 'x'}}")))
        .containsExactly("$.counts['odd name']: expected integer, got string");
  }

  private static List<String> problems(String json) {
    return JsonSchemas.forType(Forecast.class, true).validate(json(json));
  }

  private static JsonNode json(String singleQuoted) {
    try {
      return JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + singleQuoted, e);
    }
  }
}
