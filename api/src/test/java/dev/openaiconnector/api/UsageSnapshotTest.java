package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageSnapshotTest {
  private final UsageSnapshot snapshot =
      new UsageSnapshot(
          List.of(
              new UsageSnapshot.Entry(
                  "openai", "gpt-4o", Operation.CHAT, 3, TokenUsage.of(300, 30)),
              new UsageSnapshot.Entry(
                  "openai", "gpt-4o", Operation.CHAT_STREAM, 1, TokenUsage.of(100, 10)),
              new UsageSnapshot.Entry(
                  "openai", "gpt-4o-mini", Operation.CHAT, 2, TokenUsage.of(20, 2)),
              new UsageSnapshot.Entry(
                  "openai",
                  "text-embedding-3-small",
                  Operation.EMBEDDINGS,
                  5,
                  TokenUsage.of(500, 0))));

  @Test
  void totalSumsEveryEntry() {
    assertThat(snapshot.total()).isEqualTo(TokenUsage.of(920, 42));
    assertThat(snapshot.calls()).isEqualTo(11);
  }

  @Test
  void forModelSumsOverOperations() {
    assertThat(snapshot.forModel("gpt-4o")).isEqualTo(TokenUsage.of(400, 40));
    assertThat(snapshot.forModel("unused")).isEqualTo(TokenUsage.ZERO);
  }

  @Test
  void forOperationSumsOverModels() {
    assertThat(snapshot.forOperation(Operation.CHAT)).isEqualTo(TokenUsage.of(320, 32));
    assertThat(snapshot.forOperation(Operation.IMAGES)).isEqualTo(TokenUsage.ZERO);
  }

  @Test
  void emptySnapshotCountsNothing() {
    UsageSnapshot empty = new UsageSnapshot(List.of());

    assertThat(empty.total()).isEqualTo(TokenUsage.ZERO);
    assertThat(empty.calls()).isZero();
  }

  @Test
  void entriesAreAnImmutableCopy() {
    List<UsageSnapshot.Entry> entries = new ArrayList<>(snapshot.entries());
    UsageSnapshot copy = new UsageSnapshot(entries);

    entries.clear();

    assertThat(copy.entries()).hasSize(4);
    assertThatThrownBy(() -> copy.entries().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sinceGivesTheUsageBetweenTwoSnapshots() {
    UsageSnapshot before =
        new UsageSnapshot(
            List.of(
                new UsageSnapshot.Entry("openai", "gpt-4o", Operation.CHAT, 2, TokenUsage.of(200, 20)),
                new UsageSnapshot.Entry(
                    "openai", "text-embedding-3-small", Operation.EMBEDDINGS, 1, TokenUsage.of(8, 0))));
    UsageSnapshot after =
        new UsageSnapshot(
            List.of(
                new UsageSnapshot.Entry("openai", "gpt-4o", Operation.CHAT, 5, TokenUsage.of(500, 70)),
                new UsageSnapshot.Entry(
                    "openai", "text-embedding-3-small", Operation.EMBEDDINGS, 1, TokenUsage.of(8, 0)),
                new UsageSnapshot.Entry(
                    "azure", "gpt-4o-mini", Operation.CHAT_STREAM, 1, TokenUsage.of(30, 3))));

    UsageSnapshot between = after.since(before);

    assertThat(between.entries())
        .containsExactlyInAnyOrder(
            new UsageSnapshot.Entry("openai", "gpt-4o", Operation.CHAT, 3, TokenUsage.of(300, 50)),
            new UsageSnapshot.Entry(
                "azure", "gpt-4o-mini", Operation.CHAT_STREAM, 1, TokenUsage.of(30, 3)));
    assertThat(between.total()).isEqualTo(after.total().minus(before.total()));
    assertThat(between.calls()).isEqualTo(4);
    assertThat(after.since(after).entries()).isEmpty();
  }

  @Test
  void sinceRefusesASnapshotTakenLaterOrElsewhere() {
    UsageSnapshot small =
        new UsageSnapshot(
            List.of(new UsageSnapshot.Entry("openai", "gpt-4o", Operation.CHAT, 1, TokenUsage.of(10, 1))));
    UsageSnapshot large =
        new UsageSnapshot(
            List.of(new UsageSnapshot.Entry("openai", "gpt-4o", Operation.CHAT, 2, TokenUsage.of(20, 2))));
    UsageSnapshot other =
        new UsageSnapshot(
            List.of(new UsageSnapshot.Entry("azure", "gpt-4o", Operation.CHAT, 1, TokenUsage.of(10, 1))));

    assertThatThrownBy(() -> small.since(large))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more calls of openai gpt-4o CHAT")
        .hasMessageContaining("taken before this one");
    assertThatThrownBy(() -> large.since(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("usage of azure gpt-4o CHAT that this one lacks");
  }
}

