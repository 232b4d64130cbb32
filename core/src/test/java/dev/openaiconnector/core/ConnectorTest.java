package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.ResponseFormat;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.spi.Capability;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.Provider;
import dev.openaiconnector.testkit.FakeProvider;
import java.net.URI;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ConnectorTest {
  private static final ChatRequest HELLO =
      ChatRequest.builder().model("gpt-4o-mini").user("Say hello to Alice").build();

  @BeforeEach
  void clearLogs() {
    LogCapture.clear();
  }

  @Test
  void sendsTheRequestToTheProviderAndReturnsItsAnswer() {
    FakeProvider fake = FakeProvider.create();
    fake.chat().enqueueText("Hello, Alice");

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      ChatResponse answer = connector.chat(HELLO);

      assertThat(answer.content()).isEqualTo("Hello, Alice");
      assertThat(fake.chat().requests()).containsExactly(HELLO);
      assertThat(connector.providerId()).isEqualTo("fake");
    }
  }

  @Test
  void rejectsImagesBeforeCallingAProviderWithoutVision() {
    FakeProvider fake = withCapabilities(Capability.CHAT, Capability.JSON_MODE);
    ChatRequest withImage =
        ChatRequest.builder()
            .model("gpt-4o-mini")
            .user(
                ContentPart.text("What is this?"),
                ImagePart.ofUrl(URI.create("https://example.com/cat.png"), ImageDetail.LOW))
            .build();

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      assertThatThrownBy(() -> connector.chat(withImage))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("does not support VISION")
          .hasMessageContaining("remove the image parts");
    }
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void rejectsJsonModeBeforeCallingAProviderWithoutIt() {
    FakeProvider fake = withCapabilities(Capability.CHAT, Capability.VISION);
    ChatRequest json =
        ChatRequest.builder()
            .model("gpt-4o-mini")
            .system("Answer in JSON.")
            .user("List three colours")
            .responseFormat(ResponseFormat.jsonObject())
            .build();

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      assertThatThrownBy(() -> connector.chat(json))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("does not support JSON_MODE")
          .hasMessageContaining("ResponseFormat.text()");
    }
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void rejectsChatBeforeCallingAProviderWithoutIt() {
    FakeProvider fake = withCapabilities(Capability.EMBEDDINGS);

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(UnsupportedCapabilityException.class)
          .hasMessageContaining("does not support CHAT")
          .hasMessageContaining("Provider 'limited'");
    }
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void acceptsImagesAndJsonModeWhenTheProviderDeclaresThem() {
    FakeProvider fake = withCapabilities(Capability.CHAT, Capability.VISION, Capability.JSON_MODE);
    fake.chat().enqueueText("{\"animal\":\"cat\"}");
    ChatRequest request =
        ChatRequest.builder()
            .model("gpt-4o")
            .user(
                ContentPart.text("Name the animal in JSON"),
                ImagePart.ofBytes(new byte[] {1, 2, 3}, "image/png", ImageDetail.HIGH))
            .responseFormat(ResponseFormat.jsonObject())
            .build();

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      assertThat(connector.chat(request).content()).isEqualTo("{\"animal\":\"cat\"}");
    }
  }

  @Test
  void missingAnswerIsAnUnexpectedResponse() {
    Provider silent = new SingleChatProvider((request, deadline) -> null);

    try (Connector connector = Connectors.builder().provider(silent).build()) {
      assertThatThrownBy(() -> connector.chat(HELLO))
          .isInstanceOf(UnexpectedResponseException.class)
          .hasMessageContaining("'silent' returned no chat response");
      assertThat(connector.usage().snapshot().calls()).isZero();
    }
  }

  @Test
  void providerFailureReachesTheCallerUnchanged() {
    FakeProvider fake = FakeProvider.create();
    ServerException failure =
        new ServerException(
            "overloaded", new ErrorDetails("fake", 503, null, null, null, "req-9", null), null);
    fake.chat().enqueueFailure(failure);

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      assertThatThrownBy(() -> connector.chat(HELLO.toBuilder().maxRetries(0).build()))
          .isSameAs(failure);
      assertThat(connector.usage().snapshot().calls()).isZero();
    }
  }

  @Test
  void closesTheProviderOnceHoweverOftenItIsClosed() {
    SingleChatProvider provider = new SingleChatProvider((request, deadline) -> answer(request, "hi"));
    Connector connector = Connectors.builder().provider(provider).build();

    connector.close();
    connector.close();

    assertThat(provider.closeCalls.get()).isEqualTo(1);
  }

  @Test
  void refusesCallsAfterClose() {
    FakeProvider fake = FakeProvider.create();
    Connector connector = Connectors.builder().provider(fake).build();
    connector.close();

    assertThat(fake.isClosed()).isTrue();
    assertThatThrownBy(() -> connector.chat(HELLO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("connector is closed");
    assertThatThrownBy(() -> connector.session(SessionSpec.builder().model("gpt-4o").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("connector is closed");
    assertThat(fake.chat().requests()).isEmpty();
  }

  @Test
  void toStringNamesTheProviderAndNothingElse() {
    try (Connector connector = Connectors.builder().provider(FakeProvider.create()).build()) {
      assertThat(connector).hasToString("Connector[provider=fake]");
    }
  }

  @Test
  void logsOneDebugLinePerCallWithoutTheConversation() {
    FakeProvider fake = FakeProvider.create();
    fake.chat().enqueue(answer(HELLO, "Hello, Alice").toBuilder().requestId("req-42").build());

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(HELLO);
    }

    assertThat(LogCapture.events(Level.DEBUG))
        .filteredOn(event -> event.logger().endsWith("ResilientCalls"))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.message())
                    .contains("CHAT", "model=gpt-4o-mini", "provider=fake", "latency=", " ms")
                    .contains("outcome=ok", "requestId=req-42", "retries=0")
                    .doesNotContain("Alice"));
  }

  private static FakeProvider withCapabilities(Capability... capabilities) {
    Set<Capability> set = EnumSet.noneOf(Capability.class);
    set.addAll(Set.of(capabilities));
    return FakeProvider.withCapabilities("limited", set);
  }

  private static ChatResponse answer(ChatRequest request, String text) {
    return ChatResponse.builder()
        .id("chatcmpl-1")
        .model(request.model())
        .choice(new Choice(0, AssistantMessage.of(text), FinishReason.STOP))
        .usage(TokenUsage.of(10, 2))
        .build();
  }

  /** A provider with one chat port, which counts how often it is closed. */
  private static final class SingleChatProvider implements Provider {
    final AtomicInteger closeCalls = new AtomicInteger();
    private final ChatPort chat;

    SingleChatProvider(ChatPort chat) {
      this.chat = chat;
    }

    @Override
    public String id() {
      return "silent";
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.CHAT);
    }

    @Override
    public ChatPort chat() {
      return chat;
    }

    @Override
    public void close() {
      closeCalls.incrementAndGet();
    }
  }
}
