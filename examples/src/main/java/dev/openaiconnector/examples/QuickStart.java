package dev.openaiconnector.examples;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Description;
import dev.openaiconnector.api.EmbeddingResponse;
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
import java.util.stream.Collectors;

/**
 * A chat, a streamed answer, a two-turn session, a tool call, a structured answer, embeddings and
 * the configuration test, with the same code against OpenAI and Azure OpenAI. Against Azure when
 * {@code AZURE_OPENAI_ENDPOINT} is set, against OpenAI (or any compatible server at {@code
 * OPENAI_BASE_URL}) when {@code OPENAI_API_KEY} is set, and otherwise against the testkit's fake
 * server in both of its modes, through the same HTTP stack either way.
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
   * Runs the example: against the provider the environment names, or else twice against the
   * testkit's fake server, once speaking OpenAI and once speaking Azure OpenAI, with the same
   * application code; only the settings differ.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    PrintStream out = System.out;
    String model = env("OPENAI_MODEL", "gpt-4o-mini");
    if (System.getenv("AZURE_OPENAI_ENDPOINT") != null) {
      out.println("Using Azure OpenAI at AZURE_OPENAI_ENDPOINT");
      try (Connector ai = Connectors.builder().providerId("azure").build()) {
        demo(ai, model, out);
      }
      return;
    }
    if (System.getenv("OPENAI_API_KEY") != null || System.getenv("OPENAI_BASE_URL") != null) {
      out.println("Using OpenAI (or the server at OPENAI_BASE_URL)");
      try (Connector ai = Connectors.builder().providerId("openai").build()) {
        demo(ai, model, out);
      }
      return;
    }
    try (FakeOpenAiServer openAi = FakeOpenAiServer.start();
        FakeOpenAiServer azure = FakeOpenAiServer.builder().azure().start()) {
      out.println("No OPENAI_API_KEY or AZURE_OPENAI_ENDPOINT set: using the testkit's fake server");
      out.println("--- as OpenAI, at " + openAi.baseUrl());
      try (Connector ai =
          Connectors.builder()
              .setting("OPENAI_CONNECTOR_PROVIDER", "openai")
              .setting("OPENAI_BASE_URL", openAi.baseUrl().toString())
              .setting("OPENAI_API_KEY", "sk-fake-key-for-the-example")
              .build()) {
        demo(ai, model, out);
      }
      out.println("--- as Azure OpenAI, at " + azure.azureEndpoint());
      try (Connector ai =
          Connectors.builder()
              .setting("OPENAI_CONNECTOR_PROVIDER", "azure")
              .setting("AZURE_OPENAI_ENDPOINT", azure.azureEndpoint().toString())
              .setting("AZURE_OPENAI_API_KEY", "fake-azure-key-for-the-example")
              .build()) {
        demo(ai, model, out);
      }
    }
  }

  /** The application code: the same whichever provider the connector talks to. */
  private static void demo(Connector ai, String model, PrintStream out) {
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

    // Embeddings: one vector per text, in input order, however many texts.
    EmbeddingResponse vectors =
        ai.embedAll("text-embedding-3-small", List.of("Lisbon", "Porto", "Faro"));
    out.println(
        "embed   > "
            + vectors.embeddings().size()
            + " vectors of "
            + vectors.vector(0).length
            + " dimensions");

    ConnectionCheck check = ai.checkConnection();
    out.println(
        "check   > "
            + (check.ok() ? "ok" : "problems")
            + " "
            + check.operations().stream()
                .map(op -> op.operation() + "=" + op.outcome())
                .collect(Collectors.joining(", ")));

    UsageSnapshot usage = ai.usage().snapshot();
    out.println(
        "usage   : "
            + usage.calls()
            + " calls, "
            + usage.total().promptTokens()
            + " prompt + "
            + usage.total().completionTokens()
            + " completion tokens");
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
