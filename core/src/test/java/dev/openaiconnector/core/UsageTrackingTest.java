package dev.openaiconnector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatSession;
import dev.openaiconnector.api.Choice;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.SessionSpec;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UsageEvent;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.core.testing.LogCapture;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class UsageTrackingTest {
  private final FakeProvider fake = FakeProvider.create();

  @BeforeEach
  void answerEveryRequestWithFixedUsage() {
    LogCapture.clear();
    fake.chat().answerWith(request -> answer(request, TokenUsage.of(10, 3), "req-1"));
  }

  @Test
  void sumsUsagePerModelAndOperationWithCallCounts() {
    fake.chat()
        .enqueue(answer(request("gpt-4o"), new TokenUsage(100, 20, 120, 40, 5), null))
        .enqueue(answer(request("gpt-4o"), new TokenUsage(50, 10, 60, 0, 1), null))
        .enqueue(answer(request("gpt-4o-mini"), TokenUsage.of(7, 1), null));

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request("gpt-4o"));
      connector.chat(request("gpt-4o"));
      connector.chat(request("gpt-4o-mini"));

      UsageSnapshot snapshot = connector.usage().snapshot();
      assertThat(snapshot.entries())
          .containsExactlyInAnyOrder(
              new UsageSnapshot.Entry(
                  "fake", "gpt-4o", Operation.CHAT, 2, new TokenUsage(150, 30, 180, 40, 6)),
              new UsageSnapshot.Entry(
                  "fake", "gpt-4o-mini", Operation.CHAT, 1, TokenUsage.of(7, 1)));
      assertThat(snapshot.calls()).isEqualTo(3);
      assertThat(snapshot.forOperation(Operation.CHAT))
          .isEqualTo(new TokenUsage(157, 31, 188, 40, 6));
    }
  }

  @Test
  void countsUnderTheRequestedModelNotTheAnsweringSnapshot() {
    fake.chat()
        .enqueue(
            answer(request("gpt-4o"), TokenUsage.of(1, 1), null).toBuilder()
                .model("gpt-4o-2024-08-06")
                .build());

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request("gpt-4o"));

      assertThat(connector.usage().snapshot().entries())
          .extracting(UsageSnapshot.Entry::model)
          .containsExactly("gpt-4o");
    }
  }

  @Test
  void snapshotIsACopyUnaffectedByLaterCalls() {
    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request("gpt-4o"));
      UsageSnapshot before = connector.usage().snapshot();

      connector.chat(request("gpt-4o"));

      assertThat(before.calls()).isEqualTo(1);
      assertThat(connector.usage().snapshot().calls()).isEqualTo(2);
    }
  }

  @Test
  void resetStartsCountingFromZero() {
    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request("gpt-4o"));
      connector.usage().reset();

      assertThat(connector.usage().snapshot().entries()).isEmpty();
      assertThat(connector.usage().snapshot().total()).isEqualTo(TokenUsage.ZERO);

      connector.chat(request("gpt-4o"));
      assertThat(connector.usage().snapshot().calls()).isEqualTo(1);
    }
  }

  @Test
  void failedCallsAreNotCounted() {
    fake.chat()
        .enqueueFailure(new RateLimitException("slow down", ErrorDetails.ofProvider("fake"), null));
    List<UsageEvent> events = new ArrayList<>();

    try (Connector connector =
        Connectors.builder().provider(fake).usageListener(events::add).build()) {
      ChatRequest once = request("gpt-4o").toBuilder().maxRetries(0).build();
      assertThatThrownBy(() -> connector.chat(once)).isInstanceOf(RateLimitException.class);

      assertThat(connector.usage().snapshot().calls()).isZero();
      assertThat(events).isEmpty();
    }
  }

  @Test
  void everyListenerReceivesEachEventInTheOrderAdded() {
    List<String> calls = new ArrayList<>();
    List<UsageEvent> events = new ArrayList<>();

    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .usageListener(
                event -> {
                  calls.add("first");
                  events.add(event);
                })
            .usageListener(event -> calls.add("second"))
            .build()) {
      connector.chat(request("gpt-4o-mini"));
    }

    assertThat(calls).containsExactly("first", "second");
    assertThat(events)
        .containsExactly(
            new UsageEvent(
                "fake", "gpt-4o-mini", Operation.CHAT, TokenUsage.of(10, 3), null, "req-1"));
  }

  @Test
  void sessionCallsCarryTheSessionIdToListeners() {
    List<UsageEvent> events = new ArrayList<>();

    try (Connector connector =
        Connectors.builder().provider(fake).usageListener(events::add).build()) {
      ChatSession session =
          connector.session(SessionSpec.builder().id("support-7").model("gpt-4o").build());
      session.send("Hi");
      connector.chat(request("gpt-4o"));
    }

    assertThat(events).extracting(UsageEvent::sessionId).containsExactly("support-7", null);
  }

  @Test
  void throwingListenerIsLoggedAndDoesNotFailTheCall() {
    List<UsageEvent> later = new ArrayList<>();

    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .usageListener(
                event -> {
                  throw new IllegalStateException("billing down for " + event.model());
                })
            .usageListener(later::add)
            .build()) {
      ChatResponse answer = connector.chat(request("gpt-4o"));

      assertThat(answer.content()).isEqualTo("ok");
      assertThat(later).hasSize(1);
      assertThat(connector.usage().snapshot().calls()).isEqualTo(1);
    }
    assertThat(LogCapture.events(Level.WARN))
        .singleElement()
        .satisfies(
            event ->
                assertThat(event.message())
                    .contains("Usage listener", IllegalStateException.class.getName())
                    .doesNotContain("billing down"));
  }

  @Test
  void concurrentCallsAddUpExactly() throws Exception {
    int threads = 8;
    int callsPerThread = 200;
    List<UsageEvent> events = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Connector connector =
        Connectors.builder().provider(fake).usageListener(events::add).build()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String model = t % 2 == 0 ? "gpt-4o" : "gpt-4o-mini";
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < callsPerThread; i++) {
                    connector.chat(request(model));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }

      UsageSnapshot snapshot = connector.usage().snapshot();
      long half = (long) threads / 2 * callsPerThread;
      assertThat(snapshot.calls()).isEqualTo(threads * callsPerThread);
      assertThat(snapshot.forModel("gpt-4o")).isEqualTo(TokenUsage.of(10 * half, 3 * half));
      assertThat(snapshot.forModel("gpt-4o-mini")).isEqualTo(TokenUsage.of(10 * half, 3 * half));
      assertThat(events).hasSize(threads * callsPerThread);
    } finally {
      pool.shutdownNow();
    }
  }

  private static ChatRequest request(String model) {
    return ChatRequest.builder().model(model).user("Count this call").build();
  }

  private static ChatResponse answer(
      ChatRequest request, TokenUsage usage, @Nullable String requestId) {
    return ChatResponse.builder()
        .id("chatcmpl-1")
        .model(request.model())
        .choice(new Choice(0, AssistantMessage.of("ok"), FinishReason.STOP))
        .usage(usage)
        .requestId(requestId)
        .build();
  }
}
