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
import dev.openaiconnector.testkit.RecordedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's JUnit extension with the fake server in Azure mode: the injected {@code Connector}
 * goes through the Azure OpenAI provider to the deployments layout, with the key the server
 * requires in the {@code api-key} header, the models mapped to the deployments the server
 * declares, and an {@code api-version} the server accepts.
 */
class FakeOpenAiExtensionAzureTest {
  private static final String KEY = "azure-fake-key";
  private static final String CHAT_MODEL = "gpt-4o-mini";
  private static final String EMBEDDING_MODEL = "text-embedding-3-small";

  @RegisterExtension
  static final FakeOpenAiExtension FAKES =
      FakeOpenAiExtension.server(
          server ->
              server
                  .azureApiKey(KEY)
                  .azureDeployment("chat", CHAT_MODEL)
                  .azureDeployment("embed", EMBEDDING_MODEL)
                  .azureDeployment("draw", "gpt-image-1"));

  record City(String city) {}

  @Test
  void chatsThroughTheAzureProviderWithTheApiKeyOnTheDeploymentPath(
      Connector ai, FakeOpenAiServer server) {
    ChatResponse answer = ai.chat(ChatRequest.builder().model(CHAT_MODEL).user("Hello").build());

    assertThat(ai.providerId()).isEqualTo("azure");
    assertThat(answer.content()).isEqualTo("Echo: Hello");
    assertThat(answer.model()).isEqualTo(CHAT_MODEL);
    // Azure's annotations made it through the Azure provider's mapping.
    assertThat(answer.contentFilter().isEmpty()).isFalse();
    RecordedRequest request = server.takeRequest();
    assertThat(request.queryParameter("api-version")).hasValue("2024-10-21");
    assertThat(request.header("Authorization")).isEmpty();
    FakeAssertions.assertThat(server)
        .receivedRequests(1)
        .receivedRequestTo("POST", "/openai/deployments/chat/chat/completions")
        .everyRequestHadHeader("api-key", KEY)
        .receivedUserMessage("Hello");
  }

  @Test
  void streamsFromTheDeployment(Connector ai, FakeOpenAiServer server) {
    StringBuilder text = new StringBuilder();
    int deltas = 0;
    try (ChatStream stream =
        ai.stream(ChatRequest.builder().model(CHAT_MODEL).user("Stream a few words").build())) {
      for (ChatDelta delta : stream) {
        text.append(delta.text());
        deltas += delta.text().isEmpty() ? 0 : 1;
      }
      assertThat(stream.response().content()).isEqualTo("Echo: Stream a few words");
    }

    assertThat(text.toString()).isEqualTo("Echo: Stream a few words");
    assertThat(deltas).isGreaterThan(1);
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/openai/deployments/chat/chat/completions")
        .everyRequestHadHeader("api-key", KEY);
  }

  @Test
  void embedsThroughTheEmbeddingDeployment(Connector ai, FakeOpenAiServer server) {
    List<String> texts = List.of("reset your password", "opening hours");

    EmbeddingResponse vectors = ai.embedAll(EMBEDDING_MODEL, texts);

    assertThat(vectors.embeddings()).hasSize(2);
    assertThat(vectors.vector(0)).hasSize(1536);
    assertThat(vectors.model()).isEqualTo(EMBEDDING_MODEL);
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/openai/deployments/embed/embeddings")
        .everyRequestHadHeader("api-key", KEY)
        .receivedEmbeddingInputs(texts.get(0), texts.get(1));
  }

  @Test
  void generatesImagesThroughTheImageDeployment(Connector ai, FakeOpenAiServer server) {
    ImageResponse images =
        ai.generateImages(
            ImageRequest.builder().model("gpt-image-1").prompt("a red square").build());

    assertThat(images.images()).hasSize(1);
    assertThat(images.images().get(0).bytes()).isPresent();
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/openai/deployments/draw/images/generations")
        .everyRequestHadHeader("api-key", KEY);
  }

  @Test
  void runsTheToolLoopAgainstTheDeployment(Connector ai, FakeOpenAiServer server) {
    ChatSession session =
        ai.session(
            SessionSpec.builder()
                .model(CHAT_MODEL)
                .tools(
                    Tools.of(
                        "get_weather",
                        "The weather in a city",
                        City.class,
                        city -> "{\"city\":\"" + city.city() + "\"}"))
                .build());

    ChatResponse answer = session.send("What is the weather in Paris?");

    assertThat(answer.content()).isEqualTo("Echo: tool results: {\"city\":\"sample\"}");
    FakeAssertions.assertThat(server)
        .receivedChatRequests(2)
        .receivedToolResult("get_weather", "{\"city\":\"sample\"}")
        .everyRequestHadHeader("api-key", KEY);
  }

  @Test
  void retriesAScriptedAzureFault(Connector ai, FakeOpenAiServer server) {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"));

    ChatResponse answer = ai.chat(ChatRequest.builder().model(CHAT_MODEL).user("again").build());

    assertThat(answer.content()).isEqualTo("Echo: again");
    FakeAssertions.assertThat(server).receivedRequests(2).everyRequestHadHeader("api-key", KEY);
  }
}
