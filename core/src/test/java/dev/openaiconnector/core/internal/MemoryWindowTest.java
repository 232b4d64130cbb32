package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryWindowTest {
  private static final ChatMessage U1 = UserMessage.of("u1");
  private static final ChatMessage A1 = AssistantMessage.of("a1");
  private static final ChatMessage U2 = UserMessage.of("u2");
  private static final ChatMessage A2 = AssistantMessage.of("a2");
  private static final ChatMessage U3 = UserMessage.of("u3");
  private static final ChatMessage CALLS =
      new AssistantMessage(
          null, List.of(new ToolCall("c1", "f", "{}"), new ToolCall("c2", "f", "{}")), null);
  private static final ChatMessage RESULT_1 = new ToolMessage("c1", "1");
  private static final ChatMessage RESULT_2 = new ToolMessage("c2", "2");
  private static final ChatMessage FINAL = AssistantMessage.of("done");

  // Every two-character message above is estimated at 1 token plus 4 of overhead.
  private static final long SMALL = 5;

  @Test
  void keepsEverythingWithinTheBounds() {
    List<ChatMessage> messages = List.of(U1, A1, U2);

    assertThat(new MemoryWindow(3, 0, 0).fit(messages, 2)).containsExactly(U1, A1, U2);
  }

  @Test
  void evictsTheOldestExchangeFirst() {
    assertThat(new MemoryWindow(3, 0, 0).fit(List.of(U1, A1, U2, A2, U3), 4))
        .containsExactly(U2, A2, U3);
  }

  @Test
  void evictsWholeExchangesEvenWhenOneMessageLessWouldFit() {
    assertThat(new MemoryWindow(4, 0, 0).fit(List.of(U1, A1, U2, A2, U3), 4))
        .containsExactly(U2, A2, U3);
  }

  @Test
  void evictsAnAssistantsToolCallsTogetherWithTheirResults() {
    List<ChatMessage> messages = List.of(U1, CALLS, RESULT_1, RESULT_2, FINAL, U2, A2, U3);

    assertThat(new MemoryWindow(6, 0, 0).fit(messages, 7)).containsExactly(U2, A2, U3);
  }

  @Test
  void evictsALeadingToolCallGroupWithoutAUserMessageAsOneExchange() {
    List<ChatMessage> messages = List.of(CALLS, RESULT_1, RESULT_2, FINAL, U2, A2, U3);

    assertThat(new MemoryWindow(5, 0, 0).fit(messages, 6)).containsExactly(U2, A2, U3);
  }

  @Test
  void dropsToolResultsLeftWithoutTheirCallAtTheHead() {
    List<ChatMessage> messages = List.of(RESULT_1, RESULT_2, FINAL, U2);

    assertThat(new MemoryWindow(100, 0, 0).fit(messages, 3)).containsExactly(FINAL, U2);
  }

  @Test
  void neverEvictsFromTheKeptIndexOn() {
    List<ChatMessage> messages = List.of(U1, A1, U2, A2);

    assertThat(new MemoryWindow(2, 1, 0).fit(messages, 2)).containsExactly(U2, A2);
    assertThat(new MemoryWindow(2, 1, 0).fit(List.of(U3), 0)).containsExactly(U3);
  }

  @Test
  void countsTheSystemPromptAgainstTheTokenBudget() {
    List<ChatMessage> messages = List.of(U1, A1, U2);

    assertThat(new MemoryWindow(100, 3 * SMALL, 0).fit(messages, 2)).containsExactly(U1, A1, U2);
    assertThat(new MemoryWindow(100, 3 * SMALL, 1).fit(messages, 2)).containsExactly(U2);
  }

  @Test
  void tokenBudgetOfZeroMeansNone() {
    List<ChatMessage> messages = List.of(U1, A1, U2, A2, U3);

    assertThat(new MemoryWindow(100, 0, 1_000_000).fit(messages, 4)).isEqualTo(messages);
  }
}
