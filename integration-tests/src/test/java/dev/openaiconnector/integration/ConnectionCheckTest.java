package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.OperationCheck.Outcome;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The configuration test over real HTTP: each category the fake server can provoke, for chat,
 * streamed chat and embeddings, reported and never thrown; and the image check when asked for.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionCheckTest {
  private static final String KEY = "sk-test-check";

  private FakeOpenAiServer server;

  @BeforeEach
  void startServer() {
    server = FakeOpenAiServer.builder().apiKey(KEY).start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ConnectionCheck check(String key, String baseUrl) {
    try (Connector ai =
        Connectors.builder()
            .providerId("openai")
            .setting("OPENAI_API_KEY", key)
            .setting("OPENAI_BASE_URL", baseUrl)
            .checkModel(Operation.CHAT, "gpt-4o-mini")
            .build()) {
      return ai.checkConnection();
    }
  }

  /** Scripts the same answer for each of the three checks: chat, stream, embeddings. */
  private ConnectionCheck checkWithEveryAnswer(FakeResponse answer) {
    server.enqueue(answer, 3);
    return check(KEY, server.baseUrl().toString());
  }

  @Test
  void reportsAWorkingConfiguration() {
    ConnectionCheck check = check(KEY, server.baseUrl().toString());

    assertThat(check.ok()).isTrue();
    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.CHAT, Operation.CHAT_STREAM, Operation.EMBEDDINGS);
    assertThat(check.operations())
        .extracting(OperationCheck::model)
        .containsExactly("gpt-4o-mini", "gpt-4o-mini", "text-embedding-3-small");
    assertThat(check.operations()).allSatisfy(op -> {
      assertThat(op.message()).isNull();
      assertThat(op.requestId()).isNotBlank();
    });
    assertThat(server.requestCount()).as("images are not checked unless asked").isEqualTo(3);
  }

  @Test
  void checksImagesOnlyWhenAModelIsNamedForIt() {
    try (Connector ai =
        Connectors.builder()
            .providerId("openai")
            .setting("OPENAI_API_KEY", KEY)
            .setting("OPENAI_BASE_URL", server.baseUrl().toString())
            .checkModel(Operation.IMAGES, "dall-e-2")
            .build()) {
      ConnectionCheck check = ai.checkConnection();

      assertThat(check.ok()).isTrue();
      assertThat(check.of(Operation.IMAGES)).hasValueSatisfying(
          images -> assertThat(images.model()).isEqualTo("dall-e-2"));
    }
    assertThat(server.requestCount()).isEqualTo(4);
  }

  @Test
  void reportsAWrongKeyAsAuthentication() {
    ConnectionCheck check = check("sk-wrong-key", server.baseUrl().toString());

    assertThat(check.ok()).isFalse();
    assertThat(check.operations()).allSatisfy(op -> {
      assertThat(op.outcome()).isEqualTo(Outcome.AUTHENTICATION);
      assertThat(op.message()).contains("API key").doesNotContain("sk-wrong-key");
    });
  }

  @Test
  void reportsAForbiddenProjectAsPermission() {
    ConnectionCheck check =
        checkWithEveryAnswer(
            FakeResponse.error(
                403, "invalid_request_error", "unsupported_country_region_territory",
                "Country, region, or territory not supported"));

    assertThat(check.of(Operation.CHAT).orElseThrow().outcome()).isEqualTo(Outcome.PERMISSION);
    assertThat(check.of(Operation.CHAT).orElseThrow().message()).contains("not supported");
  }

  @Test
  void reportsAnUnknownModelAsNotFound() {
    ConnectionCheck check =
        checkWithEveryAnswer(
            FakeResponse.error(
                404, "invalid_request_error", "model_not_found",
                "The model `gpt-4o-mini` does not exist or you do not have access to it."));

    assertThat(check.operations())
        .allSatisfy(op -> assertThat(op.outcome()).isEqualTo(Outcome.NOT_FOUND));
  }

  @Test
  void reportsAnUnreachableServerAsNetwork() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ConnectionCheck check = check(KEY, "http://127.0.0.1:" + closedPort + "/v1");

    assertThat(check.operations())
        .allSatisfy(op -> assertThat(op.outcome()).isEqualTo(Outcome.NETWORK));
  }

  @Test
  void reportsARateLimitAsRateLimited() {
    ConnectionCheck check =
        checkWithEveryAnswer(
            FakeResponse.error(429, "requests", "rate_limit_exceeded", "Rate limit reached"));

    assertThat(check.operations())
        .allSatisfy(op -> assertThat(op.outcome()).isEqualTo(Outcome.RATE_LIMITED));
    assertThat(server.requestCount()).as("the check never retries").isEqualTo(3);
  }

  @Test
  void reportsAServerErrorAsOther() {
    ConnectionCheck check =
        checkWithEveryAnswer(FakeResponse.error(500, "server_error", null, "Something broke"));

    assertThat(check.operations()).allSatisfy(op -> {
      assertThat(op.outcome()).isEqualTo(Outcome.OTHER);
      assertThat(op.message()).contains("Something broke");
    });
  }
}
