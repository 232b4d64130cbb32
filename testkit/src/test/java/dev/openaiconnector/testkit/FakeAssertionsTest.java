package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolDefinition;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The domain assertions, on a fake provider and on the fake server, and their failures. */
class FakeAssertionsTest {
  private static final Deadline DEADLINE = Deadline.after(Duration.ofMinutes(1));
  private static final Tool WEATHER =
      Tool.of(
          new ToolDefinition(
              "get_weather",
              "The weather",
              "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}",
              false),
          args -> "{}");

  /** The conversation of a tool round: question, the call, its result. */
  private static ChatRequest toolRound() {
    return ChatRequest.builder()
        .model("gpt-4o")
        .system("Be terse.")
        .user("What is the weather in Paris?")
        .message(
            new AssistantMessage(
                null, List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null))
        .message(ChatMessage.tool("call_1", "{\"temperature\":21}"))
        .tools(List.of(WEATHER))
        .build();
  }

  @Nested
  class OnAFakeProvider {
    private final FakeProvider fake = FakeProvider.create();

    private void exercise() {
      fake.chat().complete(toolRound(), DEADLINE);
      try (ChatEventSource source =
          fake.streams().open(ChatRequest.builder().model("gpt-4o-mini").user("Stream").build(),
              DEADLINE)) {
        while (source.next() != null) {
          // Play it to the end.
        }
      }
      fake.embeddingsPort()
          .embed(
              EmbeddingRequest.builder()
                  .model("text-embedding-3-small")
                  .inputs(List.of("b", "a"))
                  .build(),
              DEADLINE);
      fake.embeddingsPort()
          .embed(EmbeddingRequest.builder().model("text-embedding-3-small").input("c").build(),
              DEADLINE);
      fake.imagesPort()
          .generate(ImageRequest.builder().model("dall-e-3").prompt("a red square").build(),
              DEADLINE);
    }

    @Test
    void passesForWhatTheFakeReceived() {
      exercise();

      assertThat(fake)
          .receivedUserMessage("What is the weather in Paris?")
          .receivedUserMessage("Stream")
          .receivedUserMessageContaining("weather")
          .receivedSystemMessage("Be terse.")
          .receivedToolResult("get_weather", "{\"temperature\":21}")
          .offeredTool("get_weather")
          .usedModel("gpt-4o")
          .usedModel("gpt-4o-mini")
          .usedModel("text-embedding-3-small")
          .usedModel("dall-e-3")
          .receivedChatRequests(2)
          .receivedEmbeddingInputs("a", "b", "c")
          .receivedEmbeddingBatches(2)
          .receivedImagePrompt("a red square")
          .usedEveryScriptedAnswer()
          .hadNoUnexpectedCalls()
          .closedEveryStream();
    }

    @Test
    void failsListingWhatTheFakeReceivedInstead() {
      exercise();

      assertThatThrownBy(() -> assertThat(fake).receivedUserMessage("What is the time?"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Expected FakeProvider[fake] to have received the user message")
          .hasMessageContaining("\"What is the time?\"")
          .hasMessageContaining("\"What is the weather in Paris?\", \"Stream\"");
      assertThatThrownBy(() -> assertThat(fake).receivedToolResult("get_weather", "{}"))
          .hasMessageContaining("get_weather: \"{\"temperature\":21}\"");
      assertThatThrownBy(() -> assertThat(fake).receivedToolResult("get_time", "noon"))
          .hasMessageContaining("the result of tool get_time");
      assertThatThrownBy(() -> assertThat(fake).usedModel("gpt-5"))
          .hasMessageContaining("[gpt-4o, gpt-4o-mini, text-embedding-3-small, dall-e-3]");
      assertThatThrownBy(() -> assertThat(fake).receivedEmbeddingInputs("a", "b"))
          .hasMessageContaining("unexpected: \"c\"");
      assertThatThrownBy(() -> assertThat(fake).receivedEmbeddingInputs("a", "b", "c", "d"))
          .hasMessageContaining("missing: \"d\"");
      assertThatThrownBy(() -> assertThat(fake).receivedChatRequests(3))
          .hasMessageContaining("3 chat request(s) but it received 2");
      assertThatThrownBy(() -> assertThat(fake).offeredTool("get_time"))
          .hasMessageContaining("the tools offered were [get_weather]");
      assertThatThrownBy(() -> assertThat(fake).receivedImagePrompt("a blue circle"))
          .hasMessageContaining("\"a red square\"");
      assertThatThrownBy(() -> assertThat(fake).receivedNoRequests())
          .hasMessageContaining("2 chat, 2 embeddings and 1 image request(s)");
      assertThatThrownBy(() -> assertThat(fake).receivedSystemMessage("Be verbose."))
          .hasMessageContaining("\"Be terse.\"");
    }

    @Test
    void reportsLeftOverScriptsUnexpectedCallsAndOpenStreams() {
      fake.chat().enqueueText("never used");
      fake.embeddingsPort().enqueueFailure(new IllegalStateException("never thrown"));
      fake.strict();
      ChatEventSource open =
          fake.streams()
              .enqueueText("hi")
              .open(ChatRequest.builder().model("m").user("q").build(), DEADLINE);
      try {
        fake.imagesPort().generate(ImageRequest.builder().model("m").prompt("p").build(), DEADLINE);
      } catch (AssertionError swallowed) {
        // As code under test might.
      }

      assertThatThrownBy(() -> assertThat(fake).usedEveryScriptedAnswer())
          .hasMessageContaining("FakeChatPort 1, FakeEmbeddingsPort 1");
      assertThatThrownBy(() -> assertThat(fake).hadNoUnexpectedCalls())
          .hasMessageContaining(
              "FakeImagesPort of FakeProvider[fake] got an unexpected request #1");
      assertThatThrownBy(() -> assertThat(fake).closedEveryStream())
          .hasMessageContaining("1 of 1 opened stream(s) are still open");
      open.close();
      assertThat(fake).closedEveryStream();
    }

    @Test
    void passesForAFakeThatReceivedNothing() {
      assertThat(fake).receivedNoRequests().receivedChatRequests(0).receivedEmbeddingInputs();
    }
  }

  @Nested
  class OnTheFakeServer {
    private final FakeOpenAiServer server = FakeOpenAiServer.builder().azure().start();
    private final TestClient client = new TestClient(server);

    @AfterEach
    void stop() {
      server.close();
    }

    private void exercise() {
      client.chat(
          "{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
              + "\"get_weather\"}}],\"messages\":["
              + "{\"role\":\"developer\",\"content\":\"Be terse.\"},"
              + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather?\"},"
              + "{\"type\":\"text\",\"text\":\"In Paris.\"}]},"
              + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\","
              + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
              + "\"arguments\":\"{}\"}}]},"
              + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}");
      client.sendWithHeaders(
          "POST",
          "/openai/deployments/embed/embeddings?api-version=2024-10-21",
          "{\"input\":[\"one\",\"two\"]}",
          "api-key",
          "k");
      client.send(
          "POST", "/v1/images/generations", "{\"model\":\"dall-e-2\",\"prompt\":\"a cat\"}", "k");
      client.get("/v1/models", "k");
    }

    @Test
    void readsTheWireOfEveryLayout() {
      exercise();

      assertThat(server)
          .receivedUserMessage("Weather?\nIn Paris.")
          .receivedSystemMessage("Be terse.")
          .receivedToolResult("get_weather", "sunny")
          .offeredTool("get_weather")
          .usedModel("gpt-4o")
          .usedModel("embed")
          .usedModel("dall-e-2")
          .receivedChatRequests(1)
          .receivedEmbeddingInputs("two", "one")
          .receivedImagePrompt("a cat")
          .receivedRequests(4)
          .receivedRequestTo("GET", "/v1/models")
          .receivedRequestTo("POST", "/openai/deployments/embed/embeddings");
      // Reading did not take them.
      org.assertj.core.api.Assertions.assertThat(server.takeRequest().path())
          .isEqualTo("/v1/chat/completions");
    }

    @Test
    void checksAHeaderOnEveryRequestWithoutShowingValues() {
      client.chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
      client.get("/v1/models", "sk-other");

      assertThatThrownBy(
              () -> assertThat(server).everyRequestHadHeader("Authorization", "Bearer sk-test"))
          .hasMessageContaining("these did not: [GET /v1/models]")
          .hasMessageNotContaining("sk-other");
    }

    @Test
    void failsListingWhatTheServerReceived() {
      exercise();

      assertThatThrownBy(() -> assertThat(server).receivedRequests(1))
          .hasMessageContaining(
              "POST /v1/chat/completions, POST /openai/deployments/embed/embeddings,"
                  + " POST /v1/images/generations, GET /v1/models");
      assertThatThrownBy(() -> assertThat(server).receivedRequestTo("DELETE", "/v1/models"))
          .hasMessageContaining("DELETE /v1/models");
      assertThatThrownBy(() -> assertThat(server).receivedUserMessage("Weather?"))
          .hasMessageContaining("\"Weather?\\nIn Paris.\"");
    }

    @Test
    void anEmptyServerHasNoRequestWithAHeader() {
      assertThatThrownBy(() -> assertThat(server).everyRequestHadHeader("Authorization", "x"))
          .hasMessageContaining("it received none");
      assertThat(server).receivedNoRequests().receivedRequests(0);
    }
  }
}
