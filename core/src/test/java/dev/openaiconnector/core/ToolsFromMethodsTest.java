package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolArgumentsException;
import dev.openaiconnector.api.ToolFunction;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ToolsFromMethodsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Cabin {
    ECONOMY,
    BUSINESS
  }

  record Passenger(String name, Optional<String> loyaltyNumber) {}

  record Flight(String number, LocalDate day) {}

  /** Tools of a travel agency; records what it was called with. */
  public static class TravelTools {
    final List<String> calls = new ArrayList<>();

    @ToolFunction(description = "Finds flights between two airports on a day")
    public List<Flight> findFlights(
        @Description("IATA code of the departure airport") String from,
        @Description("IATA code of the arrival airport") String to,
        LocalDate day) {
      calls.add("findFlights " + from + " " + to + " " + day);
      return List.of(new Flight("AF1234", day));
    }

    @ToolFunction(name = "book_seat", description = "Books a seat for a passenger")
    public String book(Passenger passenger, Cabin cabin, int bags) {
      calls.add("book " + passenger + " " + cabin + " " + bags);
      return "booked " + cabin;
    }

    @ToolFunction(description = "Cancels a booking")
    public void cancel(String reference) {
      if (reference.isBlank()) {
        throw new IllegalStateException("no booking " + reference);
      }
      calls.add("cancel " + reference);
    }

    public String notATool() {
      return "never a tool";
    }
  }

  private final TravelTools travel = new TravelTools();
  private final Map<String, Tool> tools =
      Tools.fromMethods(travel).stream().collect(Collectors.toMap(Tool::name, Function.identity()));

  @Test
  void makesOneToolOfEachAnnotatedMethodSortedByName() {
    assertThat(Tools.fromMethods(travel))
        .extracting(Tool::name)
        .containsExactly("book_seat", "cancel", "findFlights");
    assertThat(tools.get("findFlights").definition().description())
        .isEqualTo("Finds flights between two airports on a day");
    assertThat(tools.get("book_seat").definition().strict()).isTrue();
  }

  @Test
  void describesEachParameterAsARequiredProperty() throws Exception {
    JsonNode schema = JSON.readTree(tools.get("findFlights").definition().parametersSchema());

    assertThat(schema.path("required").toString()).isEqualTo("[\"from\",\"to\",\"day\"]");
    assertThat(schema.path("properties").path("from").path("description").asText())
        .isEqualTo("IATA code of the departure airport");
    assertThat(schema.path("properties").path("day").path("type").asText()).isEqualTo("string");
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void bindsEachParameterFromItsPropertyAndSendsTheResultAsJson() throws Exception {
    String result =
        tools
            .get("findFlights")
            .executor()
            .execute("{\"from\":\"LHR\",\"to\":\"CDG\",\"day\":\"2024-05-01\"}");

    assertThat(travel.calls).containsExactly("findFlights LHR CDG 2024-05-01");
    assertThat(result).isEqualTo("[{\"number\":\"AF1234\",\"day\":\"2024-05-01\"}]");
  }

  @Test
  void bindsRecordAndEnumParameters() throws Exception {
    String result =
        tools
            .get("book_seat")
            .executor()
            .execute(
                "{\"passenger\":{\"name\":\"Ada\",\"loyaltyNumber\":null},"
                    + "\"cabin\":\"BUSINESS\",\"bags\":2}");

    assertThat(result).isEqualTo("booked BUSINESS");
    assertThat(travel.calls)
        .containsExactly("book Passenger[name=Ada, loyaltyNumber=Optional.empty] BUSINESS 2");
  }

  @Test
  void sendsNullForAVoidMethod() throws Exception {
    assertThat(tools.get("cancel").executor().execute("{\"reference\":\"ABC123\"}"))
        .isEqualTo("null");
    assertThat(travel.calls).containsExactly("cancel ABC123");
  }

  @Test
  void rejectsArgumentsThatBreakTheSchemaBeforeCallingTheMethod() {
    assertThatThrownBy(
            () ->
                tools
                    .get("book_seat")
                    .executor()
                    .execute("{\"passenger\":{\"name\":\"Ada\"},\"cabin\":\"FIRST\",\"bags\":2}"))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessage(
            "$.passenger.loyaltyNumber: is required; $.cabin: must be one of [ECONOMY, BUSINESS]");
    assertThat(travel.calls).isEmpty();
  }

  @Test
  void rejectsANumberOutOfRangeNamingTheParameter() {
    assertThatThrownBy(
            () ->
                tools
                    .get("book_seat")
                    .executor()
                    .execute(
                        "{\"passenger\":{\"name\":\"Ada\",\"loyaltyNumber\":null},"
                            + "\"cabin\":\"ECONOMY\",\"bags\":3000000000}"))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessage("$.bags: is out of range");
  }

  @Test
  void throwsTheMethodsOwnExceptionNotReflectionsWrapper() {
    assertThatThrownBy(() -> tools.get("cancel").executor().execute("{\"reference\":\" \"}"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("no booking  ");
  }

  public static class StaticTool {
    @ToolFunction(description = "Static")
    public static String now() {
      return "noon";
    }
  }

  @Test
  void rejectsStaticMethods() {
    assertThatThrownBy(() -> Tools.fromMethods(new StaticTool()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StaticTool.now(...) is static");
  }

  public static class HiddenTool {
    @ToolFunction(description = "Hidden")
    String secret() {
      return "hidden";
    }
  }

  @Test
  void rejectsMethodsThatAreNotPublic() {
    assertThatThrownBy(() -> Tools.fromMethods(new HiddenTool()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HiddenTool.secret(...) must be public");
  }

  public static class DuplicateTools {
    @ToolFunction(name = "lookup", description = "By id")
    public String byId(String id) {
      return id;
    }

    @ToolFunction(name = "lookup", description = "By name")
    public String byName(String name) {
      return name;
    }
  }

  @Test
  void rejectsTwoMethodsWithTheSameToolName() {
    assertThatThrownBy(() -> Tools.fromMethods(new DuplicateTools()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both make a tool named 'lookup'")
        .hasMessageContaining("DuplicateTools.byId(...)")
        .hasMessageContaining("DuplicateTools.byName(...)");
  }

  @Test
  void rejectsAnObjectWithoutToolMethods() {
    assertThatThrownBy(() -> Tools.fromMethods("just a string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String has no @ToolFunction method");
  }

  public static class BadParameter {
    @ToolFunction(description = "Takes anything")
    public String take(Object anything) {
      return "ok";
    }
  }

  @Test
  void rejectsParametersWithoutASchemaNamingThem() {
    assertThatThrownBy(() -> Tools.fromMethods(new BadParameter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object at BadParameter.take.anything");
  }

  public static class BadName {
    @ToolFunction(name = "look up", description = "Spaces are not allowed")
    public String lookUp(String id) {
      return id;
    }
  }

  @Test
  void reportsAnInvalidToolNameWithItsMethod() {
    assertThatThrownBy(() -> Tools.fromMethods(new BadName()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BadName.lookUp(...)")
        .hasMessageContaining("tool name 'look up' must match");
  }

  /** An override keeps its superclass's tool, once. */
  public static class MoreTravelTools extends TravelTools {
    @Override
    public void cancel(String reference) {
      calls.add("cancel twice " + reference);
    }
  }

  @Test
  void runsTheOverrideOfAnInheritedToolMethod() throws Exception {
    MoreTravelTools more = new MoreTravelTools();
    List<Tool> inherited = Tools.fromMethods(more);

    assertThat(inherited)
        .extracting(Tool::name)
        .containsExactly("book_seat", "cancel", "findFlights");
    inherited.get(1).executor().execute("{\"reference\":\"ABC123\"}");
    assertThat(more.calls).containsExactly("cancel twice ABC123");
  }
}
