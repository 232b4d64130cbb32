package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An embeddings port that answers each input with a vector derived from its text ({@link
 * #vectorOf(String)}), records every call (inputs, deadline, thread), counts the calls in flight,
 * and can be scripted to fail, hold or corrupt the call of a batch that contains a given input.
 */
public final class ScriptedEmbeddingsPort implements EmbeddingsPort {
  /** How long a held call waits at most before it fails the test. */
  private static final long HOLD_SECONDS = 10;

  /**
   * One call the port received.
   *
   * @param inputs the batch's inputs
   * @param request the batch as sent
   * @param remainingNanos the time its deadline left when it arrived
   * @param thread the thread that made it
   */
  public record Call(
      List<String> inputs, EmbeddingRequest request, long remainingNanos, Thread thread) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Failing> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, UnaryOperator<EmbeddingResponse>> corruptions =
      new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger interrupted = new AtomicInteger();
  private final List<CountDownLatch> answerLatches = new CopyOnWriteArrayList<>();
  private final List<String> answerOrder = new CopyOnWriteArrayList<>();
  private volatile int maxInputs = 2048;
  private volatile int tokensPerInput = 1;
  private volatile @Nullable CountDownLatch rendezvous;

  private static final class Failing {
    final AtomicInteger timesLeft;
    final Supplier<ConnectorException> failure;

    Failing(int times, Supplier<ConnectorException> failure) {
      this.timesLeft = new AtomicInteger(times);
      this.failure = failure;
    }
  }

  /**
   * The vector this port answers for a text.
   *
   * @param text the input
   * @return a vector only this text gets
   */
  public static float[] vectorOf(String text) {
    return new float[] {text.hashCode(), text.length()};
  }

  /**
   * Sets the limit the port reports.
   *
   * @param maxInputs the limit
   * @return this port
   */
  public ScriptedEmbeddingsPort maxInputs(int maxInputs) {
    this.maxInputs = maxInputs;
    return this;
  }

  /**
   * Sets the prompt tokens each input costs.
   *
   * @param tokensPerInput the tokens
   * @return this port
   */
  public ScriptedEmbeddingsPort tokensPerInput(int tokensPerInput) {
    this.tokensPerInput = tokensPerInput;
    return this;
  }

  /**
   * Fails the next {@code times} calls whose batch contains {@code input}.
   *
   * @param input the input that marks the batch
   * @param times how many calls fail; {@link Integer#MAX_VALUE} for every one
   * @param failure makes each failure
   * @return this port
   */
  public ScriptedEmbeddingsPort failBatchWith(
      String input, int times, Supplier<ConnectorException> failure) {
    failures.put(input, new Failing(times, failure));
    return this;
  }

  /**
   * Holds every call whose batch contains {@code input} until the gate opens.
   *
   * @param input the input that marks the batch
   * @param gate the gate
   * @return this port
   */
  public ScriptedEmbeddingsPort holdBatchUntil(String input, CountDownLatch gate) {
    holds.put(input, gate);
    return this;
  }

  /**
   * Holds every call whose batch contains {@code input} until {@code others} other calls have
   * been answered, so that it is answered after them.
   *
   * @param input the input that marks the batch
   * @param others how many answers to wait for
   * @return this port
   */
  public ScriptedEmbeddingsPort holdBatchUntilOthersAnswered(String input, int others) {
    CountDownLatch gate = new CountDownLatch(others);
    answerLatches.add(gate);
    holds.put(input, gate);
    return this;
  }

  /**
   * Passes the answer for the batch that contains {@code input} through {@code corruption}.
   *
   * @param input the input that marks the batch
   * @param corruption changes the answer
   * @return this port
   */
  public ScriptedEmbeddingsPort corruptAnswer(
      String input, UnaryOperator<EmbeddingResponse> corruption) {
    corruptions.put(input, corruption);
    return this;
  }

  /**
   * Holds the first {@code parties} calls until that many are in flight at once.
   *
   * @param parties the calls to meet
   * @return this port
   */
  public ScriptedEmbeddingsPort meetInFlight(int parties) {
    rendezvous = new CountDownLatch(parties);
    return this;
  }

  @Override
  public EmbeddingResponse embed(EmbeddingRequest request, Deadline deadline) {
    calls.add(
        new Call(
            List.copyOf(request.inputs()),
            request,
            deadline.remainingNanos(),
            Thread.currentThread()));
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      CountDownLatch meeting = rendezvous;
      if (meeting != null && meeting.getCount() > 0) {
        meeting.countDown();
        await(meeting, "the calls to meet in flight never all arrived");
      }
      for (String input : request.inputs()) {
        CountDownLatch gate = holds.get(input);
        if (gate != null) {
          await(gate, "the test never let the held batch go");
        }
      }
      for (String input : request.inputs()) {
        Failing failing = failures.get(input);
        if (failing != null && failing.timesLeft.getAndDecrement() > 0) {
          throw failing.failure.get();
        }
      }
      EmbeddingResponse answer = answer(request);
      for (String input : request.inputs()) {
        UnaryOperator<EmbeddingResponse> corruption = corruptions.get(input);
        if (corruption != null) {
          answer = corruption.apply(answer);
        }
      }
      answerOrder.add(request.inputs().get(0));
      for (CountDownLatch latch : answerLatches) {
        latch.countDown();
      }
      return answer;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private EmbeddingResponse answer(EmbeddingRequest request) {
    List<Embedding> embeddings = new ArrayList<>(request.inputs().size());
    for (int i = 0; i < request.inputs().size(); i++) {
      embeddings.add(new Embedding(i, vectorOf(request.inputs().get(i))));
    }
    int tokens = tokensPerInput * request.inputs().size();
    return new EmbeddingResponse(
        embeddings,
        request.model() + "-answered",
        TokenUsage.of(tokens, 0),
        "req-" + request.inputs().get(0));
  }

  private void await(CountDownLatch latch, String failure) {
    try {
      if (!latch.await(HOLD_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(failure + " within " + HOLD_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      interrupted.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new CallInterruptedException(
          "interrupted in the port", ErrorDetails.ofProvider("fake"), null);
    }
  }

  @Override
  public int maxInputsPerRequest() {
    return maxInputs;
  }

  /**
   * Returns the calls received so far.
   *
   * @return a copy, in arrival order
   */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /**
   * Returns the inputs of each call received so far.
   *
   * @return a copy, in arrival order
   */
  public List<List<String>> batches() {
    List<List<String>> batches = new ArrayList<>();
    for (Call call : calls) {
      batches.add(call.inputs());
    }
    return batches;
  }

  /**
   * Returns the first input of each answered call, in the order the answers were given.
   *
   * @return a copy
   */
  public List<String> answerOrder() {
    return List.copyOf(answerOrder);
  }

  /**
   * Returns the most calls that were in flight at once.
   *
   * @return the maximum
   */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /**
   * Returns how many held calls were interrupted while they waited.
   *
   * @return the count
   */
  public int interruptedCalls() {
    return interrupted.get();
  }

  /**
   * Waits until {@code count} calls have arrived.
   *
   * @param count the calls
   * @throws InterruptedException if interrupted
   */
  public void awaitCalls(int count) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(HOLD_SECONDS);
    while (calls.size() < count) {
      if (System.nanoTime() - until > 0) {
        throw new AssertionError(
            "only " + calls.size() + " of " + count + " calls arrived within 10 s");
      }
      Thread.sleep(1);
    }
  }

  /**
   * Waits until {@code count} held calls were interrupted.
   *
   * @param count the calls
   * @throws InterruptedException if interrupted
   */
  public void awaitInterruptedCalls(int count) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(HOLD_SECONDS);
    while (interrupted.get() < count) {
      if (System.nanoTime() - until > 0) {
        throw new AssertionError(
            "only " + interrupted.get() + " of " + count + " held calls were interrupted");
      }
      Thread.sleep(1);
    }
  }
}
