package dev.openaiconnector.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.BulkheadFullException;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.core.ResilienceOptions;
import dev.openaiconnector.openai.OpenAiProvider;
import dev.openaiconnector.testkit.FakeOpenAiServer;
import dev.openaiconnector.testkit.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thousand concurrent calls through the bulkhead to the fake server: each one either succeeds
 * or fails with the bulkhead's typed error, no more connections are opened than the bulkhead
 * admits calls, and no thread is left behind once the connector and the server are closed.
 */
class BulkheadLoadTest {
  private static final int CALLS = 1_000;
  private static final int MAX_CONCURRENT = 32;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyCallSucceedsOrMeetsTheFullBulkheadAndNothingIsLeftBehind() throws Exception {
    Set<Thread> threadsBefore = liveThreads();

    Outcome outcome = sendConcurrently();

    assertThat(outcome.unexpected).isEmpty();
    assertThat(outcome.succeeded.get() + outcome.rejected.get()).isEqualTo(CALLS);
    assertThat(outcome.succeeded.get()).isPositive();
    assertThat(outcome.rejected.get()).as("the bulkhead was full at times").isPositive();
    assertThat(outcome.connections).isLessThanOrEqualTo(MAX_CONCURRENT);
    assertNoThreadLeftBehind(threadsBefore);
  }

  /** Runs the load in a frame of its own, so nothing of it stays reachable from the test's. */
  private static Outcome sendConcurrently() throws Exception {
    Outcome outcome = new Outcome();
    try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
      for (int i = 0; i < CALLS; i++) {
        server.enqueue(FakeResponse.chatCompletion("ok").delay(Duration.ofMillis(5)));
      }
      ResilienceOptions resilience =
          ResilienceOptions.builder()
              .maxConcurrentCalls(MAX_CONCURRENT)
              .maxBulkheadWait(Duration.ofMillis(20))
              .maxRetries(0)
              .build();
      ExecutorService callers = Executors.newFixedThreadPool(200);
      try (Connector ai =
          Connectors.builder()
              .provider(
                  OpenAiProvider.builder()
                      .apiKey("sk-test-load")
                      .baseUrl(server.baseUrl().toString())
                      .build())
              .resilience(resilience)
              .build()) {
        ChatRequest request = ChatRequest.builder().model("gpt-4o-mini").user("Hi").build();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          calls.add(
              callers.submit(
                  () -> {
                    start.await();
                    try {
                      ai.chat(request);
                      outcome.succeeded.incrementAndGet();
                    } catch (BulkheadFullException full) {
                      outcome.rejected.incrementAndGet();
                    } catch (RuntimeException e) {
                      outcome.unexpected.add(e);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> call : calls) {
          call.get(60, TimeUnit.SECONDS);
        }
      } finally {
        callers.shutdown();
        assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      outcome.connections = server.connectionCount();
    }
    return outcome;
  }

  /** What the calls met. */
  private static final class Outcome {
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    int connections;
  }

  private static void assertNoThreadLeftBehind(Set<Thread> before) throws InterruptedException {
    // On JDK 17 the HTTP client's selector thread ends once the client is unreachable, so give
    // the garbage collector a few chances before judging.
    Set<Thread> left = Set.of();
    for (int attempt = 0; attempt < 50; attempt++) {
      left = liveThreads();
      left.removeAll(before);
      if (left.isEmpty()) {
        return;
      }
      System.gc();
      Thread.sleep(100);
    }
    assertThat(left).as("threads left behind").extracting(Thread::getName).isEmpty();
  }

  // Compared by identity: a new thread may reuse a name that one before it had.
  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        // The JDK's shared pool is not ours to stop; the HTTP client's threads are.
        .filter(thread -> !thread.getName().startsWith("ForkJoinPool.commonPool"))
        .collect(Collectors.toCollection(() -> Collections.newSetFromMap(new IdentityHashMap<>())));
  }
}
