package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.testkit.FakeAssertions;
import dev.openaiconnector.testkit.FakeOpenAiExtension;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The testkit's JUnit extension in (OpenAI) server mode with a server that requires one key: the
 * injected {@code Connector} still goes through the OpenAI provider, with that key.
 */
class FakeOpenAiExtensionServerKeyTest {
  private static final String KEY = "sk-only-this-one";

  @RegisterExtension
  static final FakeOpenAiExtension FAKES = FakeOpenAiExtension.server(server -> server.apiKey(KEY));

  @Test
  void sendsTheKeyTheServerRequires(Connector ai, FakeOpenAiServer server) {
    String answer = ai.chat(ChatRequest.builder().model("gpt-4o").user("Hello").build()).content();

    assertThat(answer).isEqualTo("Echo: Hello");
    assertThat(ai.providerId()).isEqualTo("openai");
    FakeAssertions.assertThat(server)
        .receivedRequestTo("POST", "/v1/chat/completions")
        .everyRequestHadHeader("Authorization", "Bearer " + KEY);
  }
}
