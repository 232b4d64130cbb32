package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolArgumentsException;
import dev.openaiconnector.core.internal.JsonSchemas;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ToolsTest {
  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  record WeatherQuery(@Description("City name") String city, int days, Unit unit) {}

  record Forecast(String city, List<Integer> highs) {}

  private final AtomicReference<WeatherQuery> received = new AtomicReference<>();

  private final Tool weather =
      Tools.of(
          "get_weather",
          "Forecast for a city",
          WeatherQuery.class,
          query -> {
            received.set(query);
            return new Forecast(query.city(), List.of(21, 23));
          });

  @Test
  void describesTheToolWithTheStrictSchemaOfItsArguments() {
    assertThat(weather.name()).isEqualTo("get_weather");
    assertThat(weather.definition().description()).isEqualTo("Forecast for a city");
    assertThat(weather.definition().strict()).isTrue();
    assertThat(weather.definition().parametersSchema())
        .isEqualTo(JsonSchemas.forType(WeatherQuery.class, true).json());
  }

  @Test
  void runsTheHandlerWithTheBoundArgumentsAndSendsItsResultAsJson() throws Exception {
    String result =
        weather.executor().execute("{\"city\":\"Paris\",\"days\":2,\"unit\":\"CELSIUS\"}");

    assertThat(received.get()).isEqualTo(new WeatherQuery("Paris", 2, Unit.CELSIUS));
    assertThat(result).isEqualTo("{\"city\":\"Paris\",\"highs\":[21,23]}");
  }

  @Test
  void sendsTextResultsAsTheyAreAndNullAsJsonNull() throws Exception {
    Tool text =
        Tools.of("echo", "Echoes", WeatherQuery.class, query -> "Sunny in " + query.city());
    Tool nothing = Tools.of("nothing", "Returns null", WeatherQuery.class, query -> null);
    String arguments = "{\"city\":\"Paris\",\"days\":1,\"unit\":\"CELSIUS\"}";

    assertThat(text.executor().execute(arguments)).isEqualTo("Sunny in Paris");
    assertThat(nothing.executor().execute(arguments)).isEqualTo("null");
  }

  @Test
  void rejectsMalformedJsonAsSuch() {
    assertThatThrownBy(() -> weather.executor().execute("{\"city\":\"Paris\","))
        .isInstanceOfSatisfying(
            ToolArgumentsException.class,
            e -> assertThat(e.isMalformedJson()).isTrue())
        .hasMessageStartingWith("arguments are not valid JSON: ")
        .hasMessageContaining("line 1");
    assertThat(received.get()).isNull();
  }

  @Test
  void rejectsArgumentsThatBreakTheSchemaNamingEachField() {
    assertThatThrownBy(() -> weather.executor().execute("{\"days\":\"two\",\"unit\":\"KELVIN\"}"))
        .isInstanceOfSatisfying(
            ToolArgumentsException.class,
            e -> assertThat(e.isMalformedJson()).isFalse())
        .hasMessage(
            "$.city: is required; $.days: expected integer, got string;"
                + " $.unit: must be one of [CELSIUS, FAHRENHEIT]");
    assertThat(received.get()).isNull();
  }

  @Test
  void rejectsANumberOutOfRangeOfItsJavaType() {
    assertThatThrownBy(
            () ->
                weather
                    .executor()
                    .execute("{\"city\":\"Paris\",\"days\":3000000000,\"unit\":\"CELSIUS\"}"))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessage("$.days: is out of range");
  }

  @Test
  void letsTheHandlersOwnExceptionThrough() {
    IOException failure = new IOException("weather service down");
    Tool failing =
        Tools.of(
            "get_weather",
            "Forecast",
            WeatherQuery.class,
            query -> {
              throw failure;
            });

    String arguments = "{\"city\":\"Paris\",\"days\":1,\"unit\":\"CELSIUS\"}";

    assertThatThrownBy(() -> failing.executor().execute(arguments)).isSameAs(failure);
  }

  record Trip(String city, Optional<LocalDate> start, Map<String, Integer> budget) {}

  @Test
  void nonStrictToolsAllowMapsAndLeaveOptionalArgumentsOut() throws Exception {
    AtomicReference<Trip> trip = new AtomicReference<>();
    Tool plan =
        Tools.of(
            "plan",
            "Plans a trip",
            Trip.class,
            false,
            arguments -> {
              trip.set(arguments);
              return "planned";
            });

    assertThat(plan.definition().strict()).isFalse();
    assertThat(plan.executor().execute("{\"city\":\"Rome\",\"budget\":{\"hotel\":300}}"))
        .isEqualTo("planned");
    assertThat(trip.get()).isEqualTo(new Trip("Rome", Optional.empty(), Map.of("hotel", 300)));
  }

  record Booking(String city, Optional<LocalDate> start) {}

  @Test
  void bindsNullToAnEmptyOptionalAndIsoTextToDates() throws Exception {
    AtomicReference<Booking> booking = new AtomicReference<>();
    Tool book =
        Tools.of(
            "book",
            "Books a trip",
            Booking.class,
            arguments -> {
              booking.set(arguments);
              return arguments.start();
            });

    assertThat(book.executor().execute("{\"city\":\"Rome\",\"start\":\"2024-05-01\"}"))
        .isEqualTo("\"2024-05-01\"");
    assertThat(booking.get().start()).contains(LocalDate.of(2024, 5, 1));
    assertThat(book.executor().execute("{\"city\":\"Rome\",\"start\":null}")).isEqualTo("null");
    assertThat(booking.get().start()).isEmpty();
  }

  @Test
  void rejectsADateThatDoesNotExist() {
    Tool plan = Tools.of("plan", "Plans a trip", Trip.class, false, arguments -> "planned");

    String arguments = "{\"city\":\"Rome\",\"start\":\"2024-13-01\",\"budget\":{}}";

    assertThatThrownBy(() -> plan.executor().execute(arguments))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessage("$.start: has an invalid value");
  }

  enum Scale {
    @JsonProperty("celsius")
    CELSIUS,
    @JsonProperty("fahrenheit")
    FAHRENHEIT
  }

  /** A plain class: private fields, no setters. */
  static class Reading {
    private Scale scale = Scale.CELSIUS;
    private @Nullable Double value;

    @Override
    public String toString() {
      return value + " " + scale;
    }
  }

  @Test
  void bindsPlainClassesByTheirFieldsAndEnumsByTheirJsonNames() throws Exception {
    Tool reading = Tools.of("record", "Records a reading", Reading.class, Reading::toString);

    assertThat(reading.definition().parametersSchema())
        .contains("\"enum\":[\"celsius\",\"fahrenheit\"]");
    assertThat(reading.executor().execute("{\"scale\":\"fahrenheit\",\"value\":70.5}"))
        .isEqualTo("70.5 FAHRENHEIT");
    assertThat(reading.executor().execute("{\"scale\":\"celsius\",\"value\":null}"))
        .isEqualTo("null CELSIUS");
  }

  record NoArguments() {}

  @Test
  void acceptsAnEmptyStringForAToolWithoutArguments() throws Exception {
    Tool time = Tools.of("now", "The time", NoArguments.class, arguments -> "noon");

    assertThat(time.definition().parametersSchema())
        .isEqualTo(
            "{\"type\":\"object\",\"properties\":{},\"required\":[],"
                + "\"additionalProperties\":false}");
    assertThat(time.executor().execute("")).isEqualTo("noon");
  }

  @Test
  void rejectsAnInvalidToolNameClearly() {
    assertThatThrownBy(() -> Tools.of("get weather", "Forecast", WeatherQuery.class, query -> ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tool name 'get weather' must match ^[a-zA-Z0-9_-]{1,64}$");
  }

  @Test
  void rejectsArgumentTypesWithoutASchemaWhenTheToolIsMade() {
    assertThatThrownBy(() -> Tools.of("echo", "Echoes", String.class, text -> text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String cannot be the root of a schema");
  }
}
