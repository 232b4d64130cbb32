package dev.openaiconnector.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path a user takes: the core discovers this provider through the service loader and
 * drives it over real HTTP against the fake server.
 */
class OpenAiThroughConnectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeOpenAiServer server;
  private Connector ai;

  @BeforeEach
  void start() {
    server = FakeOpenAiServer.start();
    ai =
        Connectors.builder()
            .setting("OPENAI_BASE_URL", server.baseUrl().toString())
            .setting("OPENAI_API_KEY", "sk-e2e-key")
            .build();
  }

  @AfterEach
  void stop() {
    ai.close();
    server.close();
  }

  @AfterEach
  void everyRequestConformsToTheSpec() {
    SpecConformance.assertRequestsConform(server);
  }

  @Test
  void discoversTheOpenAiProviderAsTheOnlyOneOnTheClassPath() {
    assertThat(ai.providerId()).isEqualTo("openai");
  }

  @Test
  void chatsAndCountsUsage() {
    String answer =
        ai.chat(ChatRequest.builder().model("gpt-4o-mini").user("ping").build()).content();

    assertThat(answer).isEqualTo("Echo: ping");
    UsageSnapshot usage = ai.usage().snapshot();
    assertThat(usage.calls()).isEqualTo(1);
    assertThat(usage.forOperation(Operation.CHAT).totalTokens()).isPositive();
    assertThat(usage.forModel("gpt-4o-mini")).isEqualTo(usage.total());
  }

  @Test
  void aSessionSendsItsHistoryOverTheWire() throws Exception {
    ChatSession session =
        ai.session(SessionSpec.builder().model("gpt-4o-mini").system("Be kind.").build());

    session.send("My name is Ada.");
    String second = session.send("What is my name?").content();

    assertThat(second).isEqualTo("Echo: What is my name?");
    assertThat(session.history()).hasSize(5);
    server.takeRequest();
    JsonNode messages = JSON.readTree(server.takeRequest().body()).get("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    assertThat(messages.get(1).get("content").asText()).isEqualTo("My name is Ada.");
    assertThat(messages.get(2).get("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(2).get("content").asText()).isEqualTo("Echo: My name is Ada.");
    assertThat(messages.get(3).get("content").asText()).isEqualTo("What is my name?");
    assertThat(session.usage().totalTokens())
        .isEqualTo(ai.usage().snapshot().total().totalTokens());
  }

  @Test
  void rejectsABadRequestBeforeAnyNetworkCall() {
    assertThatThrownBy(
            () ->
                ai.chat(
                    ChatRequest.builder()
                        .model(" ")
                        .message(ChatMessage.user("hi"))
                        .temperature(3.0)
                        .build()))
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("model")
        .hasMessageContaining("temperature");
    assertThat(server.requestCount()).isZero();
  }
}
