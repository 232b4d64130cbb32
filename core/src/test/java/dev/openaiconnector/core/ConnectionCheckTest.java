package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ClientRateLimitException;
import dev.openaiconnector.api.ConnectionCheck;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.OperationCheck.Outcome;
import dev.openaiconnector.api.OperationCheck;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeChatStreamPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionCheckTest {
  // Chat and streams only, whatever else the testkit's default fake offers: embeddings and images
  // checks have tests of their own (EmbeddingsAndImagesCheckTest).
  private final FakeProvider fake =
      FakeProvider.withCapabilities(
          "fake",
          EnumSet.of(
              Capability.CHAT,
              Capability.VISION,
              Capability.JSON_MODE,
              Capability.TOOLS,
              Capability.STRUCTURED_OUTPUT,
              Capability.CHAT_STREAMING));

  @Test
  void reportsEveryDeclaredOperationAsWorking() {
    fake.chat()
        .enqueue(FakeChatPort.textAnswer(ping(), "pong").toBuilder().requestId("req-1").build());
    fake.streams().enqueueText("pong", 4);

    ConnectionCheck check;
    try (Connector connector = Connectors.builder().provider(fake).build()) {
      check = connector.checkConnection();
      assertThat(connector.usage().snapshot().calls()).isEqualTo(2);
    }

    assertThat(check.ok()).isTrue();
    assertThat(check.providerId()).isEqualTo("fake");
    assertThat(check.operations())
        .extracting(OperationCheck::operation)
        .containsExactly(Operation.CHAT, Operation.CHAT_STREAM);
    OperationCheck chat = check.of(Operation.CHAT).orElseThrow();
    assertThat(chat.model()).isEqualTo("gpt-4o-mini");
    assertThat(chat.requestId()).isEqualTo("req-1");
    assertThat(chat.message()).isNull();
    assertThat(chat.latency().isNegative()).isFalse();
    assertThat(check.of(Operation.CHAT_STREAM).orElseThrow().requestId())
        .isEqualTo("req_fake_stream_1");
    assertThat(fake.streams().closedCount()).isEqualTo(1);
  }

  @Test
  void sendsTheCheapestValidRequestWithoutRetriesAndWithTheCheckTimeout() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "pong"));
    fake.streams().answerWith(request -> FakeChatStreamPort.textDeltas(request, "pong", 4));

    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .checkModel(Operation.CHAT, "my-deployment")
            .checkModel(Operation.CHAT_STREAM, "my-stream-deployment")
            .checkTimeout(Duration.ofSeconds(5))
            .build()) {
      connector.checkConnection();
    }

    ChatRequest sent = fake.chat().lastRequest();
    assertThat(sent.model()).isEqualTo("my-deployment");
    assertThat(sent.messages()).containsExactly(UserMessage.of("ping"));
    assertThat(sent.maxTokens()).isEqualTo(16);
    assertThat(sent.maxRetries()).isZero();
    assertThat(sent.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(fake.streams().requests())
        .singleElement()
        .extracting(ChatRequest::model)
        .isEqualTo("my-stream-deployment");
  }

  @Test
  void theStreamCheckFollowsTheChatModelUnlessSet() {
    fake.chat().answerWith(request -> FakeChatPort.textAnswer(request, "pong"));
    fake.streams().answerWith(request -> FakeChatStreamPort.textDeltas(request, "pong", 4));

    try (Connector connector =
        Connectors.builder().provider(fake).checkModel(Operation.CHAT, "gpt-4.1-nano").build()) {
      assertThat(connector.checkConnection().of(Operation.CHAT_STREAM).orElseThrow().model())
          .isEqualTo("gpt-4.1-nano");
    }
  }

  static Stream<Arguments> failures() {
    ErrorDetails details = new ErrorDetails("fake", 0, null, null, null, "req-9", null);
    return Stream.of(
        Arguments.of(new AuthenticationException("bad key", details, null), Outcome.AUTHENTICATION),
        Arguments.of(new PermissionDeniedException("no role", details, null), Outcome.PERMISSION),
        Arguments.of(new NotFoundException("no such model", details, null), Outcome.NOT_FOUND),
        Arguments.of(new ConnectionException("refused", details, null), Outcome.NETWORK),
        Arguments.of(new RequestTimeoutException("slow", details, null), Outcome.NETWORK),
        Arguments.of(new RateLimitException("slow down", details, null), Outcome.RATE_LIMITED),
        Arguments.of(new QuotaExceededException("no quota", details, null), Outcome.RATE_LIMITED),
        Arguments.of(new ClientRateLimitException("ours", details, null), Outcome.RATE_LIMITED),
        Arguments.of(new ServerException("down", details, null), Outcome.OTHER),
        Arguments.of(new InvalidRequestException("bad", details, null), Outcome.OTHER));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void reportsAFailureByItsCategoryInsteadOfThrowing(ConnectorException failure, Outcome outcome) {
    fake.chat().enqueueFailure(failure);
    fake.streams().enqueueOpenFailure(failure);

    ConnectionCheck check;
    try (Connector connector = Connectors.builder().provider(fake).build()) {
      check = connector.checkConnection();
    }

    assertThat(check.ok()).isFalse();
    assertThat(check.operations())
        .hasSize(2)
        .allSatisfy(
            result -> {
              assertThat(result.outcome()).isEqualTo(outcome);
              assertThat(result.message()).isEqualTo(failure.getMessage());
              assertThat(result.requestId()).isEqualTo("req-9");
            });
    assertThat(fake.chat().requests()).hasSize(1);
    assertThat(fake.streams().requests()).hasSize(1);
  }

  @Test
  void checksOnlyChatWhenTheProviderCannotStream() {
    FakeProvider plain = FakeProvider.withCapabilities("plain", EnumSet.of(Capability.CHAT));
    plain.chat().enqueueText("pong");

    try (Connector connector = Connectors.builder().provider(plain).build()) {
      assertThat(connector.checkConnection().operations())
          .extracting(OperationCheck::operation)
          .containsExactly(Operation.CHAT);
    }
  }

  @Test
  void aClosedConnectorCannotBeChecked() {
    Connector connector = Connectors.builder().provider(fake).build();
    connector.close();

    assertThatThrownBy(connector::checkConnection)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void rejectsABlankCheckModelAndANonPositiveTimeout() {
    assertThatThrownBy(() -> Connectors.builder().checkModel(Operation.CHAT, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkModel");
    assertThatThrownBy(() -> Connectors.builder().checkTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkTimeout");
  }

  private static ChatRequest ping() {
    return ChatRequest.builder().model("gpt-4o-mini").user("ping").build();
  }
}
