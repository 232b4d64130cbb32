package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.UserMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest {
  private final InMemorySessionStore store = new InMemorySessionStore();

  @Test
  void unknownSessionHasAnEmptyHistory() {
    assertThat(store.load("nobody")).isEmpty();
  }

  @Test
  void keepsACopyThatLaterChangesToTheSavedListDoNotReach() {
    List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.of("Hi")));
    store.save("s-1", history);

    history.add(AssistantMessage.of("Hello"));

    assertThat(store.load("s-1")).containsExactly(UserMessage.of("Hi"));
  }

  @Test
  void saveReplacesAndDeleteForgets() {
    store.save("s-1", List.of(UserMessage.of("Hi")));
    store.save("s-1", List.of(UserMessage.of("Hi"), AssistantMessage.of("Hello")));
    store.save("s-2", List.of(UserMessage.of("Other")));

    assertThat(store.load("s-1")).hasSize(2);
    store.delete("s-1");
    store.delete("never-saved");
    assertThat(store.load("s-1")).isEmpty();
    assertThat(store.load("s-2")).hasSize(1);
  }

  @Test
  void toStringShowsNoMessageContent() {
    store.save("s-1", List.of(UserMessage.of("my password is hunter2")));

    assertThat(store).hasToString("InMemorySessionStore[sessions=1]");
  }
}
