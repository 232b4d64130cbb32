package dev.openaiconnector.core;

import static dev.openaiconnector.core.testing.ToolFixtures.answers;
import static dev.openaiconnector.core.testing.ToolFixtures.callsTools;
import static dev.openaiconnector.core.testing.ToolFixtures.request;
import static dev.openaiconnector.core.testing.ToolFixtures.tool;
import static dev.openaiconnector.core.testing.ToolFixtures.trailingToolMessages;
import static dev.openaiconnector.core.testing.ToolFixtures.weatherCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.Tool;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.testkit.FakeChatPort;
import dev.openaiconnector.testkit.FakeProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where and how the tool calls run. Latches and barriers wait at most {@value #WAIT_SECONDS}
 * seconds, so that a broken loop fails these tests instead of hanging them; no test measures time.
 */
class ToolLoopThreadsTest {
  private static final long WAIT_SECONDS = 10;

  private final FakeProvider fake = FakeProvider.create();

  @Test
  void runsSeveralCallsInParallelAndAnswersInCallOrder() {
    CyclicBarrier allRunning = new CyclicBarrier(3);
    CountDownLatch othersDone = new CountDownLatch(2);
    Map<String, Thread> threads = new ConcurrentHashMap<>();
    Tool weather =
        tool(
            "get_weather",
            arguments -> {
              String city = arguments.replaceAll(".*\"city\":\"([^\"]+)\".*", "$1");
              threads.put(city, Thread.currentThread());
              // Passes only if all three calls run at the same time.
              allRunning.await(WAIT_SECONDS, TimeUnit.SECONDS);
              if (city.equals("Paris")) {
                // The first call finishes last.
                if (!othersDone.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("the other calls did not finish");
                }
              } else {
                othersDone.countDown();
              }
              return "{\"city\":\"" + city + "\"}";
            });
    fake.chat()
        .enqueue(
            callsTools(
                weatherCall("call_1", "Paris"),
                weatherCall("call_2", "Rome"),
                weatherCall("call_3", "Oslo")))
        .enqueue(answers("Three cities."));

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request(weather).build());
    }

    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .containsExactly(
            new ToolMessage("call_1", "{\"city\":\"Paris\"}"),
            new ToolMessage("call_2", "{\"city\":\"Rome\"}"),
            new ToolMessage("call_3", "{\"city\":\"Oslo\"}"));
    assertThat(threads.values())
        .hasSize(3)
        .doesNotContain(Thread.currentThread())
        .allSatisfy(thread -> assertThat(thread.getName()).startsWith("openai-connector-tool-"));
  }

  @Test
  void runsASingleCallOnTheCallingThread() {
    AtomicReference<@Nullable Thread> ranOn = new AtomicReference<>();
    Tool weather =
        tool(
            "get_weather",
            arguments -> {
              ranOn.set(Thread.currentThread());
              return "{}";
            });
    fake.chat().enqueue(callsTools(weatherCall("call_1", "Paris"))).enqueue(answers("Done."));

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request(weather).build());
    }

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void runsCallsOneAfterAnotherOnTheCallingThreadWhenParallelCallsAreOff() {
    List<String> order = new CopyOnWriteArrayList<>();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Tool weather =
        tool(
            "get_weather",
            arguments -> {
              order.add(arguments);
              ranOn.add(Thread.currentThread());
              return "{}";
            });
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("Done."));

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      connector.chat(request(weather).parallelToolCalls(false).build());
    }

    assertThat(order).containsExactly("{\"city\":\"Paris\"}", "{\"city\":\"Rome\"}");
    assertThat(ranOn).containsOnly(Thread.currentThread());
  }

  @Test
  void closeStopsTheThreadsOfTheOwnedPool() throws Exception {
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Tool weather = recordingThreads(ranOn);
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("Done."));
    Connector connector = Connectors.builder().provider(fake).build();
    connector.chat(request(weather).build());
    assertThat(ranOn).hasSize(2).doesNotContain(Thread.currentThread());

    connector.close();

    for (Thread thread : ranOn) {
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertThat(thread.isAlive()).as("%s after close()", thread.getName()).isFalse();
    }
    assertThatThrownBy(() -> connector.chat(request(weather).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("connector is closed");
  }

  @Test
  void runsCallsOnTheApplicationsExecutorAndNeverShutsItDown() {
    AtomicInteger created = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2, runnable -> new Thread(runnable, "app-tool-" + created.incrementAndGet()));
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("Done."));
    try {
      try (Connector connector =
          Connectors.builder()
              .provider(fake)
              .toolLoop(ToolLoopOptions.builder().executor(executor).build())
              .build()) {
        connector.chat(request(recordingThreads(ranOn)).build());
      }

      assertThat(ranOn)
          .hasSize(2)
          .allSatisfy(thread -> assertThat(thread.getName()).startsWith("app-tool-"));
      assertThat(executor.isShutdown()).isFalse();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void runsCallsTheExecutorRefusesOnTheCallingThread() {
    ExecutorService refusing = Executors.newSingleThreadExecutor();
    refusing.shutdown();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("Done."));

    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .toolLoop(ToolLoopOptions.builder().executor(refusing).build())
            .build()) {
      assertThat(connector.chat(request(recordingThreads(ranOn)).build()).content())
          .isEqualTo("Done.");
    }

    assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .extracting(ToolMessage::toolCallId)
        .containsExactly("call_1", "call_2");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void runsACallHereThatAnExecutorShutDownNowDroppedFromItsQueue() throws Exception {
    SignallingQueue queue = new SignallingQueue();
    ExecutorService single = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue);
    CountDownLatch firstRunning = new CountDownLatch(1);
    AtomicInteger dropped = new AtomicInteger();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Tool weather =
        tool(
            "get_weather",
            arguments -> {
              ranOn.add(Thread.currentThread());
              if (arguments.contains("Paris")) {
                firstRunning.countDown();
                // Blocks until shutdownNow() interrupts it.
                new CountDownLatch(1).await();
              }
              return "{\"ok\":true}";
            });
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("Done."));
    Thread stopper =
        new Thread(
            () -> {
              try {
                // The first call runs and the second waits in the queue: shutdownNow() drops it.
                if (firstRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)
                    && queue.offered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                  dropped.set(single.shutdownNow().size());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    stopper.start();

    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .toolLoop(ToolLoopOptions.builder().executor(single).build())
            .build()) {
      connector.chat(request(weather).build());
    } finally {
      stopper.join();
      single.shutdownNow();
    }

    assertThat(trailingToolMessages(fake.chat().lastRequest()))
        .containsExactly(
            new ToolMessage(
                "call_1",
                "{\"error\":\"failed\",\"message\":\"The tool get_weather failed. No details are"
                    + " available.\"}"),
            new ToolMessage("call_2", "{\"ok\":true}"));
    assertThat(dropped).hasValue(1);
    assertThat(ranOn.get(1)).isSameAs(Thread.currentThread());
  }

  @Test
  void interruptionCancelsTheRunningCallsAndKeepsTheInterruptFlag() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    CountDownLatch bothInterrupted = new CountDownLatch(2);
    Tool weather =
        tool(
            "get_weather",
            arguments -> {
              bothRunning.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                bothInterrupted.countDown();
                throw e;
              }
              return "{}";
            });
    fake.chat()
        .enqueue(callsTools(weatherCall("call_1", "Paris"), weatherCall("call_2", "Rome")))
        .enqueue(answers("unused"));
    AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagSetAfterwards = new AtomicBoolean();

    try (Connector connector = Connectors.builder().provider(fake).build()) {
      Thread caller =
          new Thread(
              () -> {
                try {
                  connector.chat(request(weather).build());
                } catch (RuntimeException e) {
                  thrown.set(e);
                  flagSetAfterwards.set(Thread.currentThread().isInterrupted());
                }
              });
      caller.start();
      assertThat(bothRunning.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

      caller.interrupt();
      caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

      assertThat(caller.isAlive()).isFalse();
    }
    assertThat(thrown.get())
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("Interrupted while 2 tool calls ran");
    assertThat(flagSetAfterwards).isTrue();
    assertThat(bothInterrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(fake.chat().requests()).hasSize(1);
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void toolsThatCallTheConnectorAgainDoNotWaitForTheirOwnPool() {
    // Two threads, both taken by the outer calls: nested calls queued behind them would wait
    // forever, so they must run on the outer calls' threads.
    List<Thread> leafThreads = new CopyOnWriteArrayList<>();
    Tool leaf = recordingThreads(leafThreads);
    AtomicReference<@Nullable Connector> self = new AtomicReference<>();
    CyclicBarrier bothOuterCallsRunning = new CyclicBarrier(2);
    Tool delegate =
        tool(
            "delegate",
            arguments -> {
              bothOuterCallsRunning.await(WAIT_SECONDS, TimeUnit.SECONDS);
              ChatRequest inner =
                  ChatRequest.builder().model("gpt-4o-mini").user("inner").tool(leaf).build();
              return "{\"inner\":\"" + self.get().chat(inner).content() + "\"}";
            });
    fake.chat().answerWith(ToolLoopThreadsTest::scriptedByLastMessage);

    ChatResponse response;
    try (Connector connector =
        Connectors.builder()
            .provider(fake)
            .toolLoop(ToolLoopOptions.builder().parallelism(2).build())
            .build()) {
      self.set(connector);
      response =
          connector.chat(
              ChatRequest.builder().model("gpt-4o-mini").user("outer").tool(delegate).build());
    }

    assertThat(response.content()).isEqualTo("done");
    assertThat(response.toolRounds().get(0).results())
        .extracting(ToolMessage::content)
        .containsExactly("{\"inner\":\"done\"}", "{\"inner\":\"done\"}");
    assertThat(leafThreads)
        .hasSize(4)
        .allSatisfy(thread -> assertThat(thread.getName()).startsWith("openai-connector-tool-"));
  }

  // Outer question: two delegate calls; inner question: two leaf calls; tool results: an answer.
  private static ChatResponse scriptedByLastMessage(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.get(messages.size() - 1);
    if (last instanceof UserMessage) {
      String name = ((UserMessage) last).text().equals("outer") ? "delegate" : "get_weather";
      String id = Integer.toHexString(System.identityHashCode(request));
      return callsTools(
          new ToolCall(id + "-1", name, "{\"city\":\"Paris\"}"),
          new ToolCall(id + "-2", name, "{\"city\":\"Rome\"}"));
    }
    return FakeChatPort.textAnswer(request, "done");
  }

  /** A work queue that tells when a task was queued. */
  private static final class SignallingQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    final transient CountDownLatch offered = new CountDownLatch(1);

    @Override
    public boolean offer(Runnable task) {
      boolean accepted = super.offer(task);
      offered.countDown();
      return accepted;
    }
  }

  private static Tool recordingThreads(List<Thread> ranOn) {
    return tool(
        "get_weather",
        arguments -> {
          ranOn.add(Thread.currentThread());
          return "{}";
        });
  }
}
