package dev.openaiconnector.examples;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.StructuredResponse;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A chat, a streamed answer, a two-turn session, a tool call and a structured answer. Against real OpenAI when {@code OPENAI_API_KEY} is set, against
 * any OpenAI-compatible server when {@code OPENAI_BASE_URL} is set too, and otherwise against the
 * testkit's fake OpenAI server, through the same HTTP stack either way.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * The arguments of the weather tool.
   *
   * @param city the city
   */
  record WeatherArgs(@Description("City name, for example Paris") String city) {}

  /**
   * A short trip plan.
   *
   * @param city where to go
   * @param days how many days
   * @param sights what to see, in order
   */
  record Trip(String city, int days, List<String> sights) {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    PrintStream out = System.out;
    String model = env("OPENAI_MODEL", "gpt-4o-mini");
    boolean configured =
        System.getenv("OPENAI_API_KEY") != null || System.getenv("OPENAI_BASE_URL") != null;
    @Nullable FakeOpenAiServer fake = configured ? null : FakeOpenAiServer.start();
    try (Connector ai = connect(fake)) {
      out.println(
          fake == null
              ? "Using the provider from the environment (" + ai.providerId() + ")"
              : "No OPENAI_API_KEY set: using the testkit's fake OpenAI server at " + fake.baseUrl());

      ChatResponse answer =
          ai.chat(
              ChatRequest.builder()
                  .model(model)
                  .system("You are terse.")
                  .user("Name one famous bridge in San Francisco.")
                  .maxTokens(100)
                  .build());
      out.println("chat    > " + answer.content());

      // Streaming: print the answer as it arrives, then read the whole of it.
      out.print("stream  > ");
      try (ChatStream stream =
          ai.stream(ChatRequest.builder().model(model).user("Say hello in three words.").build())) {
        for (ChatDelta delta : stream) {
          out.print(delta.text());
          out.flush();
        }
        out.println(" (" + stream.response().usage().totalTokens() + " tokens)");
      }

      ChatSession session =
          ai.session(SessionSpec.builder().model(model).system("You are a helpful guide.").build());
      out.println("session > " + session.send("I am planning a trip to Lisbon.").content());
      out.println("session > " + session.send("What did I say I was planning?").content());
      out.println("history : " + session.history().size() + " messages");

      // A tool: the connector runs the calls the model asks for, then sends the results back.
      Tool weather =
          Tools.of(
              "get_weather",
              "Current weather for a city",
              WeatherArgs.class,
              arguments -> Map.of("city", arguments.city(), "temperatureC", 21, "sky", "clear"));
      ChatResponse withTool =
          ai.chat(
              ChatRequest.builder()
                  .model(model)
                  .user("What is the weather in Lisbon right now?")
                  .tool(weather)
                  .build());
      out.println(
          "tools   > " + withTool.content() + " (" + withTool.toolRounds().size() + " tool round)");

      // Structured output: the answer arrives as a record, checked against its schema.
      StructuredResponse<Trip> trip =
          ai.chat(
              ChatRequest.builder().model(model).user("Plan two days in Lisbon.").build(),
              Trip.class);
      out.println(
          "struct  > "
              + trip.refusal().map(refusal -> "refused: " + refusal).orElseGet(() -> "" + trip.value()));

      UsageSnapshot usage = ai.usage().snapshot();
      out.println(
          "usage   : "
              + usage.calls()
              + " calls, "
              + usage.total().promptTokens()
              + " prompt + "
              + usage.total().completionTokens()
              + " completion tokens");
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  private static Connector connect(@Nullable FakeOpenAiServer fake) {
    if (fake == null) {
      return Connectors.fromEnvironment();
    }
    return Connectors.builder()
        .providerId("openai")
        .setting("OPENAI_BASE_URL", fake.baseUrl().toString())
        .setting("OPENAI_API_KEY", "sk-fake-key-for-the-example")
        .build();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
