package dev.openaiconnector.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolArgumentsException;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.api.ToolFunction;
import dev.openaiconnector.core.internal.JsonMapping;
import dev.openaiconnector.core.internal.JsonSchema;
import dev.openaiconnector.core.internal.JsonSchemas;
import dev.openaiconnector.core.internal.MethodTools;
import dev.openaiconnector.core.internal.ToolArguments;
import java.util.List;
import java.util.Objects;

/**
 * Makes {@link Tool}s from Java code: the JSON Schema of the arguments is generated from a record
 * or from a method's parameters, and the arguments of every call are checked against it and bound
 * to Java values before the code runs.
 *
 * <pre>{@code
 * enum Unit { CELSIUS, FAHRENHEIT }
 * record WeatherQuery(@Description("City name, e.g. Paris") String city, Unit unit) {}
 *
 * Tool weather = Tools.of("get_weather", "Current weather in a city", WeatherQuery.class,
 *     query -> weatherService.current(query.city(), query.unit()));
 *
 * public class TravelTools {
 *   @ToolFunction(description = "Finds flights between two airports on a day")
 *   public List<Flight> findFlights(
 *       @Description("IATA code") String from, @Description("IATA code") String to,
 *       LocalDate day) {
 *     return flights.search(from, to, day);
 *   }
 * }
 *
 * ChatResponse answer = ai.chat(ChatRequest.builder().model("gpt-4o-mini")
 *     .user("Weather in Paris, and a flight there from LHR tomorrow?")
 *     .tools(Tools.fromMethods(new TravelTools())).tool(weather).build());
 * }</pre>
 *
 * <p>Arguments may use strings, {@code char}, numbers ({@code int}, {@code long}, {@code double},
 * {@code BigDecimal}...), booleans, enums, {@code java.time} values and {@code UUID} (as ISO-8601
 * text), arrays, lists and sets, and nested records or classes with fields. A property is optional
 * when its type is {@code Optional} or it is annotated with any {@code @Nullable}; {@link
 * Description} describes a record component, field, parameter or type to the model.
 *
 * <p>Tools are strict by default (OpenAI's structured outputs rules: the model's arguments always
 * match the schema). When the arguments are not JSON or do not match the schema, the tool throws a
 * {@link ToolArgumentsException} whose message, such as {@code $.city: is required}, goes back to
 * the model so that it can correct the call. The tool's own exceptions are thrown as they are.
 */
public final class Tools {
  private Tools() {}

  /**
   * Makes a strict tool whose arguments are bound to a record (or a class with fields).
   *
   * @param name the function name, matching {@code ^[a-zA-Z0-9_-]{1,64}$}
   * @param description what the tool does and when to use it; the model reads this
   * @param argumentsType the type of the arguments object
   * @param handler runs a call; its result is sent as is if it is a {@link CharSequence}, as JSON
   *     otherwise, and as {@code null} when null
   * @param <T> the type of the arguments
   * @return the tool
   * @throws IllegalArgumentException if the name is not valid, or the type is not a record or class
   *     with fields, or one of its properties has a type without a schema
   */
  public static <T> Tool of(
      String name, String description, Class<T> argumentsType, ToolHandler<T> handler) {
    return of(name, description, argumentsType, true, handler);
  }

  /**
   * Makes a tool whose arguments are bound to a record (or a class with fields), strict or not. A
   * non-strict tool may take {@code Map<String, V>} properties and leaves optional properties out
   * of {@code required}, but the model may then write arguments that do not match the schema.
   *
   * @param name the function name, matching {@code ^[a-zA-Z0-9_-]{1,64}$}
   * @param description what the tool does and when to use it; the model reads this
   * @param argumentsType the type of the arguments object
   * @param strict whether to follow OpenAI's strict structured outputs rules
   * @param handler runs a call; its result is sent as is if it is a {@link CharSequence}, as JSON
   *     otherwise, and as {@code null} when null
   * @param <T> the type of the arguments
   * @return the tool
   * @throws IllegalArgumentException if the name is not valid, or the type is not a record or class
   *     with fields, or one of its properties has a type without a schema
   */
  public static <T> Tool of(
      String name,
      String description,
      Class<T> argumentsType,
      boolean strict,
      ToolHandler<T> handler) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(argumentsType, "argumentsType");
    Objects.requireNonNull(handler, "handler");
    JsonSchema schema = JsonSchemas.forType(argumentsType, strict);
    ToolDefinition definition = new ToolDefinition(name, description, schema.json(), strict);
    return Tool.of(
        definition,
        argumentsJson -> {
          JsonNode arguments = ToolArguments.read(argumentsJson, schema);
          T bound = argumentsType.cast(ToolArguments.bind(arguments, argumentsType, "$"));
          return JsonMapping.toolResult(handler.handle(bound), name);
        });
  }

  /**
   * Makes one strict tool of each method annotated with {@link ToolFunction} on the object's class
   * and its superclasses. A tool is named after its method unless the annotation names it; each
   * parameter becomes a property of the arguments object, named after the parameter (so compile
   * with {@code -parameters}). The result is sent like a {@link ToolHandler}'s; a {@code void}
   * method's as {@code null}.
   *
   * @param target the object whose methods run the calls; its methods must be thread-safe
   * @return the tools, sorted by name
   * @throws IllegalArgumentException if the class has no such method, one is static or not public,
   *     two make tools of the same name, parameter names were not compiled in, or a parameter has a
   *     type without a schema
   */
  public static List<Tool> fromMethods(Object target) {
    return MethodTools.fromMethods(target);
  }
}
