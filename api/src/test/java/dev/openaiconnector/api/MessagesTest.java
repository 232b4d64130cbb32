package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private static final ImagePart CAT =
      ImagePart.ofUrl(URI.create("https://example.com/cat.png"), ImageDetail.LOW);

  @Test
  void factoriesGiveEachRole() {
    assertThat(ChatMessage.system("s").role()).isEqualTo(ChatMessage.Role.SYSTEM);
    assertThat(ChatMessage.user("u").role()).isEqualTo(ChatMessage.Role.USER);
    assertThat(ChatMessage.assistant("a").role()).isEqualTo(ChatMessage.Role.ASSISTANT);
    assertThat(ChatMessage.tool("call-1", "{}").role()).isEqualTo(ChatMessage.Role.TOOL);
  }

  @Test
  void userMessageTextJoinsTheTextPartsAndSkipsImages() {
    UserMessage message =
        UserMessage.of(ContentPart.text("What is"), CAT, ContentPart.text("this?"));

    assertThat(message.text()).isEqualTo("What is\nthis?");
    assertThat(message.isPlainText()).isFalse();
    assertThat(UserMessage.of("Hi").isPlainText()).isTrue();
  }

  @Test
  void userMessageNeedsAPart() {
    assertThatThrownBy(() -> new UserMessage(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one content part");
  }

  @Test
  void assistantMessageCopiesItsToolCalls() {
    List<ToolCall> calls = new ArrayList<>(List.of(new ToolCall("c1", "weather", "{}")));
    AssistantMessage message = new AssistantMessage(null, calls, null);

    calls.clear();

    assertThat(message.toolCalls()).hasSize(1);
    assertThat(message.hasToolCalls()).isTrue();
    assertThat(message.text()).isEmpty();
    assertThat(AssistantMessage.of("Hi").hasToolCalls()).isFalse();
  }

  @Test
  void responseNeedsAChoiceAndReadsTheFirst() {
    assertThatThrownBy(() -> ChatResponse.builder().id("x").model("m").build())
        .isInstanceOf(IllegalStateException.class);

    ChatResponse response =
        ChatResponse.builder()
            .id("chatcmpl-1")
            .model("gpt-4o-2024-08-06")
            .choice(
                new Choice(
                    0,
                    new AssistantMessage(null, List.of(new ToolCall("c", "f", "{}")), null),
                    FinishReason.TOOL_CALLS))
            .build();

    assertThat(response.content()).isEmpty();
    assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(response.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(response.requestId()).isEmpty();
  }
}
