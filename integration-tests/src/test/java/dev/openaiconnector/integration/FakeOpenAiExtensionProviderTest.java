package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.testkit.FakeAssertions;
import dev.openaiconnector.testkit.FakeOpenAiExtension;
import dev.openaiconnector.testkit.FakeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's JUnit extension in provider mode: the injected {@code Connector} runs the core
 * over the injected fake provider, and the builder can be configured, typed, from the test.
 */
class FakeOpenAiExtensionProviderTest {
  @RegisterExtension
  static final FakeOpenAiExtension FAKES =
      FakeOpenAiExtension.provider()
          .configureConnector(
              Connectors.Builder.class,
              builder -> builder.resilience(ResilienceOptions.builder().maxRetries(0).build()));

  record City(String city) {}

  @Test
  void runsAScriptedToolLoopOverTheFake(Connector ai, FakeProvider fake) {
    fake.chat()
        .enqueueToolCall("get_weather", "{\"city\":\"Paris\"}")
        .enqueueText("It is sunny in Paris.");
    ChatSession session =
        ai.session(
            SessionSpec.builder()
                .model("gpt-4o")
                .system("Be terse.")
                .tools(
                    Tools.of(
                        "get_weather",
                        "The weather in a city",
                        City.class,
                        city -> "{\"temperature\":21}"))
                .build());

    ChatResponse answer = session.send("What is the weather in Paris?");

    assertThat(answer.content()).isEqualTo("It is sunny in Paris.");
    assertThat(ai.providerId()).isEqualTo("fake");
    FakeAssertions.assertThat(fake)
        .receivedSystemMessage("Be terse.")
        .receivedUserMessage("What is the weather in Paris?")
        .receivedToolResult("get_weather", "{\"temperature\":21}")
        .usedModel("gpt-4o")
        .usedEveryScriptedAnswer()
        .hadNoUnexpectedCalls();
  }

  @Test
  void answersUnscriptedAndStartsEachTestAfresh(Connector ai, FakeProvider fake) {
    assertThat(fake.chat().requests()).isEmpty();

    assertThat(ai.chat(ChatRequest.builder().model("m").user("hi").build()).content())
        .isEqualTo("Echo: hi");
    assertThat(ai.embed("text-embedding-3-small", "hello").vector()).hasSize(1536);
  }

  @Test
  void usesTheConfiguredConnectorWithoutRetries(Connector ai, FakeProvider fake) {
    fake.chat().enqueueFailure(new ServerException("boom", ErrorDetails.ofProvider("fake"), null));

    assertThatThrownBy(() -> ai.chat(ChatRequest.builder().model("m").user("hi").build()))
        .isInstanceOf(ServerException.class);
    assertThat(fake.chat().requests()).hasSize(1);
  }
}
