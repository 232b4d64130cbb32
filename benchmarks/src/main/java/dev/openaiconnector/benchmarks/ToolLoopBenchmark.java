package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatCompletionRequest;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatResult;
import dev.openaiconnector.benchmarks.ReferenceClient.FunctionSpec;
import dev.openaiconnector.benchmarks.ReferenceClient.Message;
import dev.openaiconnector.benchmarks.ReferenceClient.ToolCall;
import dev.openaiconnector.benchmarks.ReferenceClient.ToolSpec;
import dev.openaiconnector.core.Tools;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One round of function calling, the library against the reference: the question goes out with one
 * tool, the model answers with a call of {@code get_weather}, the tool runs, its result goes back
 * with the conversation, and the model answers. Two HTTP requests on both sides.
 *
 * <p>The library's side is {@link Connector#chat(ChatRequest)} with a tool from {@link
 * Tools#of(String, String, Class, dev.openaiconnector.core.ToolHandler)}: core's tool loop, which
 * checks the arguments against the tool's schema, binds them to a record, runs the handler and
 * writes its result as JSON. The reference does the two requests itself: Jackson binds the
 * arguments to the same record (no schema check) and writes the result. The score is the time
 * of the whole round, so the ratio's distance from 1 is the loop's overhead. Both sides run in the
 * same JVM, one iteration each in turn ({@link Side}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ToolLoopBenchmark {
  /**
   * The arguments of {@code get_weather}.
   *
   * @param city the city
   * @param unit {@code celsius} or {@code fahrenheit}
   */
  public record WeatherArguments(String city, String unit) {}

  /**
   * The result of {@code get_weather}.
   *
   * @param city the city
   * @param temperature the temperature, in the unit asked for
   * @param sky the sky
   */
  public record Weather(String city, int temperature, String sky) {}

  /** The server, both clients, and the tool in both forms. */
  @State(Scope.Benchmark)
  public static class Clients {
    Fixture fixture;
    Tool tool;
    List<ToolSpec> toolSpecs;

    /** Starts everything, and checks both clients send the same two requests. */
    @Setup(Level.Trial)
    public void start() {
      fixture = Fixture.start(Answers.chat(), "/tools/v1");
      tool =
          Tools.of(
              "get_weather",
              "Returns the current weather in a city.",
              WeatherArguments.class,
              ToolLoopBenchmark::weather);
      // What the reference's author writes by hand: the same schema, as a constant.
      JsonNode schema;
      try {
        schema = fixture.reference.mapper.readTree(tool.definition().parametersSchema());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      toolSpecs =
          List.of(
              new ToolSpec(
                  "function",
                  new FunctionSpec(
                      tool.name(), tool.definition().description(), schema, true)));
      fixture.checkSameRequests("tool loop", () -> viaLibrary(this), () -> viaReference(this));
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void stop() {
      fixture.close();
    }
  }

  static Weather weather(WeatherArguments arguments) {
    return new Weather(arguments.city(), "celsius".equals(arguments.unit()) ? 18 : 64, "partly cloudy");
  }

  /**
   * One round, by the library or the reference as {@code side} says.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @return the final answer
   */
  @Benchmark
  public Object round(Clients clients, Side side) {
    return side.library ? viaLibrary(clients) : viaReference(clients);
  }

  private static ChatResponse viaLibrary(Clients clients) {
    ChatResponse response =
        clients.fixture.library.chat(
            ChatRequest.builder().model(Answers.MODEL).user(Answers.TOOL_USER).tool(clients.tool).build());
    if (!response.content().equals(Answers.TOOL_FINAL_CONTENT)
        || response.toolRounds().size() != 1
        || response.usage().totalTokens() != 235) {
      throw new IllegalStateException("unexpected answer " + response);
    }
    return response;
  }

  private static ChatResult viaReference(Clients clients) {
    ReferenceClient reference = clients.fixture.reference;
    List<Message> messages = List.of(Message.of("user", Answers.TOOL_USER));
    ChatResult first =
        reference.chat(
            new ChatCompletionRequest(Answers.MODEL, messages, null, clients.toolSpecs, null, null));
    ToolCall call = first.message().toolCalls().get(0);
    if (!call.function().name().equals("get_weather")) {
      throw new IllegalStateException("unexpected tool " + call.function().name());
    }
    String result;
    try {
      WeatherArguments arguments =
          reference.mapper.readValue(call.function().arguments(), WeatherArguments.class);
      result = reference.mapper.writeValueAsString(weather(arguments));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ChatResult second =
        reference.chat(
            new ChatCompletionRequest(
                Answers.MODEL,
                ReferenceClient.plus(
                    messages, first.message(), new Message("tool", result, null, call.id())),
                null,
                clients.toolSpecs,
                null,
                null));
    long total = first.usage().totalTokens() + second.usage().totalTokens();
    if (!Answers.TOOL_FINAL_CONTENT.equals(second.message().content()) || total != 235) {
      throw new IllegalStateException("unexpected answer " + second);
    }
    return second;
  }
}
