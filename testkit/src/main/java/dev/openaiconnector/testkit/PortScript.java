package dev.openaiconnector.testkit;

import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.spi.Deadline;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What every fake port shares: the queue of scripted answers, the fallback, the default answer,
 * the recorded requests and the scripted latency, and the rules that pick the next answer:
 *
 * <ol>
 *   <li>the next queued answer;
 *   <li>else the {@code answerWith} fallback;
 *   <li>else the default answer, unless the provider is strict, or the port needs a script for
 *       every call once scripted ({@code defaultAfterScript} false) and was scripted;
 *   <li>else the call is unexpected: recorded on the provider and failed with an {@link
 *       AssertionError} that names the port, the script and the request.
 * </ol>
 *
 * <p>Thread-safe: the choice is made under this object's lock, the latency and the answer outside
 * it, so that parallel calls (embedding batches, tool rounds) wait together.
 *
 * @param <Q> the request type
 * @param <A> what the port computes from a request (a response, a stream script)
 */
final class PortScript<Q, A> {
  private final String portName;
  private final FakeProvider.Shared shared;
  private final Function<Q, A> defaultAnswer;
  private final boolean defaultAfterScript;
  private final Function<Q, String> describe;
  private final String scriptHint;
  private final Deque<Function<Q, A>> queue = new ArrayDeque<>();
  private final List<Q> requests = new ArrayList<>();
  private int scripted;
  private @Nullable Function<Q, A> fallback;
  private Duration latency = Duration.ZERO;

  PortScript(
      String portName,
      FakeProvider.Shared shared,
      Function<Q, A> defaultAnswer,
      boolean defaultAfterScript,
      Function<Q, String> describe,
      String scriptHint) {
    this.portName = portName;
    this.shared = shared;
    this.defaultAnswer = defaultAnswer;
    this.defaultAfterScript = defaultAfterScript;
    this.describe = describe;
    this.scriptHint = scriptHint;
  }

  synchronized void enqueue(Function<Q, A> answer) {
    queue.add(Objects.requireNonNull(answer, "answer"));
    scripted++;
  }

  synchronized void fallback(Function<Q, A> answer) {
    fallback = Objects.requireNonNull(answer, "answer");
  }

  synchronized void latency(Duration latency) {
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    this.latency = latency;
  }

  /** Records the request, waits the scripted latency within the deadline, then answers it. */
  A answer(Q request, Deadline deadline) {
    Function<Q, A> next;
    Duration wait;
    synchronized (this) {
      requests.add(request);
      next = queue.poll();
      if (next == null) {
        next = fallback;
      }
      if (next == null && !shared.strict() && (scripted == 0 || defaultAfterScript)) {
        next = defaultAnswer;
      }
      if (next == null) {
        String message = unexpected(request);
        shared.unexpectedCall(message);
        throw new AssertionError(message);
      }
      wait = latency;
    }
    sleep(wait, deadline);
    return next.apply(request);
  }

  private String unexpected(Q request) {
    String why;
    if (scripted > 0) {
      why =
          (scripted == 1 ? "1 answer was" : scripted + " answers were")
              + " scripted and "
              + (scripted == 1 ? "it was" : "all were")
              + " used, and no answerWith(...) is set";
    } else {
      why = "the fake is strict and nothing was scripted";
    }
    return portName
        + " of "
        + shared.name()
        + " got an unexpected request #"
        + requests.size()
        + ": "
        + why
        + ". The request: "
        + describe.apply(request)
        + ". Script it with "
        + scriptHint
        + ", or answer every further request with answerWith(...).";
  }

  private void sleep(Duration wait, Deadline deadline) {
    if (wait.isZero()) {
      return;
    }
    long remaining = deadline.remainingNanos();
    try {
      TimeUnit.NANOSECONDS.sleep(Math.min(wait.toNanos(), Math.max(0, remaining)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallInterruptedException(
          portName + " was interrupted during its scripted latency",
          ErrorDetails.ofProvider(shared.id()),
          e);
    }
    if (wait.toNanos() > remaining) {
      throw new RequestTimeoutException(
          portName + "'s scripted latency of " + wait + " outlasted the call's deadline",
          ErrorDetails.ofProvider(shared.id()),
          null);
    }
  }

  synchronized List<Q> requests() {
    return List.copyOf(requests);
  }

  synchronized Q lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException(portName + " has received no request");
    }
    return requests.get(requests.size() - 1);
  }

  synchronized int remaining() {
    return queue.size();
  }

  synchronized int requestCount() {
    return requests.size();
  }

  /** Forgets the recorded requests and the queued answers; keeps the fallback and the latency. */
  synchronized void reset() {
    queue.clear();
    requests.clear();
    scripted = 0;
  }
}
