package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.testkit.FakeAssertions;
import dev.openaiconnector.testkit.FakeOpenAiExtension;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's JUnit extension with a plain Azure-mode server ({@code azure()}: any key, any
 * deployment) and the connector's settings changed by the test: Azure's v1 layout, and a key of
 * the test's choosing.
 */
class FakeOpenAiExtensionAzureV1Test {
  private static final String MODEL = "gpt-4o-mini";

  @RegisterExtension
  static final FakeOpenAiExtension FAKES =
      FakeOpenAiExtension.server(server -> server.azure())
          .connectorSetting("AZURE_OPENAI_LAYOUT", "v1")
          .connectorSetting("AZURE_OPENAI_API_KEY", "my-own-key");

  @Test
  void chatsOnTheV1LayoutWithTheKeyTheTestSet(Connector ai, FakeOpenAiServer server) {
    ChatResponse answer = ai.chat(ChatRequest.builder().model(MODEL).user("Hello").build());

    assertThat(ai.providerId()).isEqualTo("azure");
    assertThat(answer.content()).isEqualTo("Echo: Hello");
    RecordedRequest request = server.takeRequest();
    assertThat(request.queryParameter("api-version")).isEmpty();
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/openai/v1/chat/completions")
        .everyRequestHadHeader("api-key", "my-own-key")
        .usedModel(MODEL);
  }

  @Test
  void streamsOnTheV1Layout(Connector ai, FakeOpenAiServer server) {
    StringBuilder text = new StringBuilder();
    try (ChatStream stream =
        ai.stream(ChatRequest.builder().model(MODEL).user("Stream a few words").build())) {
      for (ChatDelta delta : stream) {
        text.append(delta.text());
      }
    }

    assertThat(text.toString()).isEqualTo("Echo: Stream a few words");
    FakeAssertions.assertThat(server).receivedRequestTo("POST", "/openai/v1/chat/completions");
  }

  @Test
  void embedsOnTheV1Layout(Connector ai, FakeOpenAiServer server) {
    float[] vector = ai.embed("text-embedding-3-large", "hello").vector();

    assertThat(vector).hasSize(3072);
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/openai/v1/embeddings")
        .usedModel("text-embedding-3-large")
        .everyRequestHadHeader("api-key", "my-own-key");
  }
}
