package dev.openaiconnector.examples;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * A chat and a two-turn session. Against real OpenAI when {@code OPENAI_API_KEY} is set, against
 * any OpenAI-compatible server when {@code OPENAI_BASE_URL} is set too, and otherwise against the
 * testkit's fake OpenAI server, through the same HTTP stack either way.
 */
public final class QuickStart {
  private QuickStart() {}

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

      ChatSession session =
          ai.session(SessionSpec.builder().model(model).system("You are a helpful guide.").build());
      out.println("session > " + session.send("I am planning a trip to Lisbon.").content());
      out.println("session > " + session.send("What did I say I was planning?").content());
      out.println("history : " + session.history().size() + " messages");

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
