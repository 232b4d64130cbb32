package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.core.Tools;
import dev.openaiconnector.testkit.FakeAssertions;
import dev.openaiconnector.testkit.FakeOpenAiExtension;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The testkit's JUnit extension in server mode: the injected {@code Connector} goes through the
 * OpenAI provider to the injected fake server, and every operation works unscripted.
 */
@ExtendWith(FakeOpenAiExtension.class)
class FakeOpenAiExtensionServerTest {
  private static final String MODEL = "gpt-4o-mini";

  record City(String city) {}

  @Test
  void injectsAConnectorWiredToTheServer(Connector ai, FakeOpenAiServer server) {
    ChatResponse answer = ai.chat(ChatRequest.builder().model(MODEL).user("Hello").build());

    assertThat(answer.content()).isEqualTo("Echo: Hello");
    assertThat(ai.providerId()).isEqualTo("openai");
    FakeAssertions.assertThat(server)
        .receivedUserMessage("Hello")
        .usedModel(MODEL)
        .receivedRequestTo("POST", "/v1/chat/completions")
        .everyRequestHadHeader("Authorization", "Bearer " + FakeOpenAiExtension.API_KEY);
  }

  @Test
  void runsTheToolLoopUnscripted(Connector ai, FakeOpenAiServer server) {
    ChatSession session =
        ai.session(
            SessionSpec.builder()
                .model(MODEL)
                .tools(
                    Tools.of(
                        "get_weather",
                        "The weather in a city",
                        City.class,
                        city -> "{\"temperature\":21,\"city\":\"" + city.city() + "\"}"))
                .build());

    ChatResponse answer = session.send("What is the weather in Paris?");

    // The fake called the tool with sample arguments, then echoed the result.
    assertThat(answer.content())
        .isEqualTo("Echo: tool results: {\"temperature\":21,\"city\":\"sample\"}");
    FakeAssertions.assertThat(server)
        .offeredTool("get_weather")
        .receivedToolResult("get_weather", "{\"temperature\":21,\"city\":\"sample\"}")
        .receivedChatRequests(2);
  }

  @Test
  void streamsUnscripted(Connector ai) {
    StringBuilder text = new StringBuilder();
    int deltas = 0;
    try (ChatStream stream =
        ai.stream(ChatRequest.builder().model(MODEL).user("Stream a few words").build())) {
      for (ChatDelta delta : stream) {
        text.append(delta.text());
        deltas += delta.text().isEmpty() ? 0 : 1;
      }
      assertThat(stream.response().content()).isEqualTo("Echo: Stream a few words");
    }

    assertThat(text.toString()).isEqualTo("Echo: Stream a few words");
    assertThat(deltas).isGreaterThan(1);
  }

  @Test
  void embedsSoThatTheNearestDocumentSharesTheQuestionsWords(
      Connector ai, FakeOpenAiServer server) {
    List<String> documents =
        List.of(
            "To reset your password, open Settings and choose Security.",
            "Our office opens at nine and closes at five.",
            "Invoices are sent by email on the first of the month.");

    EmbeddingResponse vectors = ai.embedAll("text-embedding-3-small", documents);
    float[] question = ai.embed("text-embedding-3-small", "How do I reset my password?").vector();

    int nearest = 0;
    for (int i = 1; i < documents.size(); i++) {
      if (dot(question, vectors.vector(i)) > dot(question, vectors.vector(nearest))) {
        nearest = i;
      }
    }
    assertThat(nearest).isZero();
    FakeAssertions.assertThat(server)
        .receivedEmbeddingInputs(
            documents.get(0), documents.get(1), documents.get(2), "How do I reset my password?");
  }

  @Test
  void generatesImagesUnscripted(Connector ai) {
    ImageResponse images =
        ai.generateImages(
            ImageRequest.builder().model("gpt-image-1").prompt("a red square").build());

    assertThat(images.images()).hasSize(1);
    assertThat(images.images().get(0).bytes()).isPresent();
  }

  @Test
  void retriesAScriptedFaultAndSeesOnlyItsOwnRequests(Connector ai, FakeOpenAiServer server) {
    assertThat(server.requestCount()).isZero();
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"));

    ChatResponse answer = ai.chat(ChatRequest.builder().model(MODEL).user("again").build());

    assertThat(answer.content()).isEqualTo("Echo: again");
    FakeAssertions.assertThat(server).receivedRequests(2);
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
