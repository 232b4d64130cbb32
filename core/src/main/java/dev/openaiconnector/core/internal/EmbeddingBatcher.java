package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.AuthenticationException;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.NotFoundException;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.PartialEmbeddingException;
import dev.openaiconnector.api.PermissionDeniedException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.RequestValidationException;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.api.UnsupportedCapabilityException;
import dev.openaiconnector.core.EmbeddingOptions;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Runs one embeddings request as batches: splits the inputs by count and estimated tokens, sends
 * the batches in parallel within {@link EmbeddingOptions#maxParallelRequests()}, each through
 * {@link ResilientCalls} (so only a failed batch is retried), and puts the vectors in input order.
 * Thread-safe; one batcher per connector, closed with it.
 *
 * <p>A batch that fails for good leaves the others going, unless its failure would hit every
 * batch alike (authentication, permission, model not found, quota, configuration, an unsupported
 * capability, request validation, an interrupt, or a failure outside the api's exceptions): then
 * no new batch starts. An {@link dev.openaiconnector.api.InvalidRequestException} or {@link
 * dev.openaiconnector.api.ContentFilterException} is about the batch's own inputs, so the others
 * still go.
 *
 * <p>The calling thread runs batches itself, and up to {@code maxParallelRequests - 1} helper
 * tasks on the batcher's pool claim the others; a helper the pool refuses leaves its share to the
 * calling thread, so a busy pool slows a request down but never blocks it.
 */
final class EmbeddingBatcher implements AutoCloseable {
  /** Helper tasks waiting for a thread of the pool; beyond it, the calling thread does the work. */
  private static final int QUEUE_CAPACITY = 256;

  private static final long IDLE_THREAD_SECONDS = 30;

  /**
   * How long past the request's deadline the calling thread waits for batches still running on
   * the pool, in case a port overruns its deadline; then they are reported as timed out.
   */
  static final Duration LATE_BATCH_GRACE = Duration.ofSeconds(10);

  /** Counts each successful batch: model, usage and request id. */
  @FunctionalInterface
  interface UsageSink {
    /**
     * Records one batch's usage as it succeeds.
     *
     * @param model the model the request named
     * @param usage the batch's usage
     * @param requestId the batch's request id, or null
     */
    void record(String model, TokenUsage usage, @Nullable String requestId);
  }

  /**
   * A contiguous range of inputs sent in one request.
   *
   * @param from the first input, inclusive
   * @param to the last input, exclusive
   */
  record Batch(int from, int to) {
    int size() {
      return to - from;
    }

    @Override
    public String toString() {
      return "[" + from + ", " + to + ")";
    }
  }

  private final String providerId;
  private final EmbeddingOptions options;
  private final ResilientCalls calls;
  private final Duration defaultTimeout;
  private final UsageSink usage;
  private final Duration lateBatchGrace;
  private final Object poolLock = new Object();
  private @Nullable ThreadPoolExecutor pool;
  private boolean closed;

  /**
   * Creates the batcher; its pool is created when a request first needs it.
   *
   * @param providerId the connector's provider
   * @param options the limits and parallelism
   * @param calls the connector's resilient calls
   * @param defaultTimeout the deadline of a request without its own timeout
   * @param usage counts each successful batch
   */
  EmbeddingBatcher(
      String providerId,
      EmbeddingOptions options,
      ResilientCalls calls,
      Duration defaultTimeout,
      UsageSink usage) {
    this(providerId, options, calls, defaultTimeout, usage, LATE_BATCH_GRACE);
  }

  // Lets tests shorten the wait for a port that overruns its deadline.
  EmbeddingBatcher(
      String providerId,
      EmbeddingOptions options,
      ResilientCalls calls,
      Duration defaultTimeout,
      UsageSink usage,
      Duration lateBatchGrace) {
    this.providerId = Objects.requireNonNull(providerId, "providerId");
    this.options = Objects.requireNonNull(options, "options");
    this.calls = Objects.requireNonNull(calls, "calls");
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.lateBatchGrace = Objects.requireNonNull(lateBatchGrace, "lateBatchGrace");
  }

  /**
   * Embeds every input of the request.
   *
   * @param request the validated request
   * @param port the provider's port
   * @return the vectors in input order, with the summed usage
   * @throws PartialEmbeddingException if some batches failed and others succeeded
   * @throws ConnectorException the first batch's failure, if no batch succeeded
   * @throws CallInterruptedException if the calling thread was interrupted
   */
  EmbeddingResponse embed(EmbeddingRequest request, EmbeddingsPort port) {
    Deadline deadline =
        Deadline.after(request.timeout() != null ? request.timeout() : defaultTimeout);
    // A port that reports no limit of its own (against its contract) is held to ours alone.
    int portLimit = port.maxInputsPerRequest();
    int maxInputs =
        portLimit > 0
            ? Math.min(options.maxInputsPerRequest(), portLimit)
            : options.maxInputsPerRequest();
    List<Batch> batches = split(request.inputs(), maxInputs, options.maxTokensPerRequest());
    Run run = new Run(request, port, batches, deadline);
    int helpers = Math.min(options.maxParallelRequests(), batches.size()) - 1;
    if (helpers > 0) {
      run.startHelpers(helpers);
    }
    return run.runOnCallingThread();
  }

  /**
   * Cuts the inputs into contiguous batches within both limits; an input over the token budget
   * alone gets a batch of its own.
   *
   * @param inputs the inputs, not empty
   * @param maxInputs the most inputs per batch, at least 1
   * @param maxTokens the budget of estimated tokens per batch, at least 1
   * @return the batches, in input order, covering every input once
   */
  static List<Batch> split(List<String> inputs, int maxInputs, long maxTokens) {
    List<Batch> batches = new ArrayList<>(inputs.size() / maxInputs + 1);
    int from = 0;
    long tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      long cost = TokenEstimator.estimateInput(inputs.get(i));
      boolean full = i - from == maxInputs || tokens + cost > maxTokens;
      if (i > from && full) {
        batches.add(new Batch(from, i));
        from = i;
        tokens = 0;
      }
      tokens += cost;
    }
    batches.add(new Batch(from, inputs.size()));
    return batches;
  }

  /** Shuts the pool down and interrupts the batches running on it. */
  @Override
  public void close() {
    ThreadPoolExecutor owned;
    synchronized (poolLock) {
      closed = true;
      owned = pool;
    }
    if (owned != null) {
      owned.shutdownNow();
    }
  }

  private @Nullable ThreadPoolExecutor pool() {
    synchronized (poolLock) {
      if (closed) {
        return null;
      }
      if (pool == null) {
        ThreadPoolExecutor created =
            new ThreadPoolExecutor(
                options.maxParallelRequests(),
                options.maxParallelRequests(),
                IDLE_THREAD_SECONDS,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                new EmbeddingThreads());
        // Idle threads stop, so a connector that is never closed does not keep threads alive.
        created.allowCoreThreadTimeOut(true);
        pool = created;
      }
      return pool;
    }
  }

  // Failures that every other batch would meet too: sending more would only repeat them. An
  // InvalidRequestException or ContentFilterException is not one: a 400 is usually about the
  // batch's own inputs (one over the per-input token limit, one the filter flagged).
  private static boolean hitsEveryBatch(Throwable failure) {
    return !(failure instanceof ConnectorException)
        || failure instanceof AuthenticationException
        || failure instanceof PermissionDeniedException
        || failure instanceof NotFoundException
        || failure instanceof RequestValidationException
        || failure instanceof QuotaExceededException
        || failure instanceof UnsupportedCapabilityException
        || failure instanceof ConfigurationException
        || failure instanceof CallInterruptedException;
  }

  /** A batch's answer and its vectors, re-indexed for the whole request. */
  private record Placed(EmbeddingResponse answer, Embedding[] vectors) {}

  /** One request in progress: which batches are claimed, running and done. */
  private final class Run {
    private final EmbeddingRequest request;
    private final EmbeddingsPort port;
    private final List<Batch> batches;
    private final Deadline deadline;
    // Guarded by this, written only by finish(), so the result reads a settled state.
    private final @Nullable Embedding[] byInput;
    private final @Nullable EmbeddingResponse[] answers;
    private final @Nullable Throwable[] failures;
    private final List<Future<?>> helpers = new ArrayList<>();
    private int next;
    private int running;
    private boolean noMoreClaims;
    // After a failure every batch would meet, or once the caller gave up waiting.
    private boolean stopped;
    private boolean abandoned;

    Run(EmbeddingRequest request, EmbeddingsPort port, List<Batch> batches, Deadline deadline) {
      this.request = request;
      this.port = port;
      this.batches = batches;
      this.deadline = deadline;
      this.byInput = new Embedding[request.inputs().size()];
      this.answers = new EmbeddingResponse[batches.size()];
      this.failures = new Throwable[batches.size()];
    }

    void startHelpers(int count) {
      ThreadPoolExecutor executor = pool();
      if (executor == null) {
        return;
      }
      for (int i = 0; i < count; i++) {
        try {
          Future<?> helper = executor.submit(() -> work(true));
          synchronized (this) {
            helpers.add(helper);
          }
        } catch (RejectedExecutionException e) {
          // The pool is full or shut down: the calling thread does this helper's share.
          return;
        }
      }
    }

    EmbeddingResponse runOnCallingThread() {
      work(false);
      if (Thread.currentThread().isInterrupted()) {
        throw abandon(null);
      }
      awaitHelpers();
      return result();
    }

    private void work(boolean helper) {
      int batch;
      while ((batch = claim(helper)) >= 0) {
        Placed placed = null;
        Throwable failure = null;
        try {
          placed = send(batches.get(batch));
        } catch (RuntimeException | Error e) {
          failure = e;
        } finally {
          finish(batch, placed, failure);
        }
        if (!helper && Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }

    private synchronized int claim(boolean helper) {
      if (noMoreClaims || stopped || next == batches.size()) {
        return -1;
      }
      // A helper of a closing connector leaves the rest to the calling thread.
      if (helper && Thread.currentThread().isInterrupted()) {
        return -1;
      }
      running++;
      return next++;
    }

    private synchronized void finish(
        int batch, @Nullable Placed placed, @Nullable Throwable failure) {
      running--;
      if (running == 0) {
        notifyAll();
      }
      if (abandoned) {
        return;
      }
      if (placed != null) {
        answers[batch] = placed.answer();
        Embedding[] vectors = placed.vectors();
        System.arraycopy(vectors, 0, byInput, batches.get(batch).from(), vectors.length);
      } else {
        failures[batch] = failure;
        if (failure != null && hitsEveryBatch(failure)) {
          stopped = true;
        }
      }
    }

    // One batch through the connector's retries and guards; counted as soon as it succeeds.
    private Placed send(Batch batch) {
      long left = deadline.remainingNanos();
      if (left == 0) {
        throw new RequestTimeoutException(
            "The embeddings request's deadline passed before batch "
                + batch
                + " could be sent to provider '"
                + providerId
                + "'; raise EmbeddingRequest.timeout or ResilienceOptions.callTimeout, or send"
                + " fewer inputs at once",
            ErrorDetails.ofProvider(providerId),
            null);
      }
      EmbeddingRequest slice = request.slice(batch.from(), batch.to());
      Placed placed =
          calls.call(
              Operation.EMBEDDINGS,
              request.model(),
              Duration.ofNanos(left),
              request.maxRetries(),
              callDeadline -> place(port.embed(slice, callDeadline), batch),
              done ->
                  new ResilientCalls.CallSuccess(
                      done.answer().requestId(), done.answer().model(), done.answer().usage()));
      usage.record(request.model(), placed.answer().usage(), placed.answer().requestId());
      return placed;
    }

    // Checks one vector per input and moves batch-local indices to the request's; the vectors
    // themselves are shared, never copied.
    private Placed place(@Nullable EmbeddingResponse answer, Batch batch) {
      if (answer == null) {
        throw unexpected(batch, "returned no response");
      }
      List<Embedding> got = answer.embeddings();
      if (got.size() != batch.size()) {
        throw unexpected(
            batch, "returned " + got.size() + " vectors for " + batch.size() + " inputs");
      }
      Embedding[] vectors = new Embedding[batch.size()];
      for (Embedding embedding : got) {
        int index = embedding.index();
        if (index >= vectors.length) {
          throw unexpected(batch, "returned index " + index + ", out of range");
        }
        if (vectors[index] != null) {
          throw unexpected(batch, "returned index " + index + " twice");
        }
        vectors[index] =
            batch.from() == 0 ? embedding : new Embedding(batch.from() + index, embedding.vector());
      }
      return new Placed(answer, vectors);
    }

    private UnexpectedResponseException unexpected(Batch batch, String what) {
      return new UnexpectedResponseException(
          "Provider '"
              + providerId
              + "' "
              + what
              + " for the embeddings batch of inputs "
              + batch
              + "; a port must answer one vector per input, indexed from 0. Report it to the"
              + " provider's author",
          ErrorDetails.ofProvider(providerId),
          null);
    }

    private void awaitHelpers() {
      long waitUntil =
          System.nanoTime()
              + Math.min(
                  deadline.remainingNanos() + lateBatchGrace.toNanos(), Long.MAX_VALUE / 4);
      synchronized (this) {
        noMoreClaims = true;
        try {
          while (running > 0) {
            long left = waitUntil - System.nanoTime();
            if (left <= 0) {
              overran();
              break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw abandon(e);
        }
      }
      cancelHelpers(false);
    }

    // The batches still running overran the deadline and its grace: report them as timed out.
    private void overran() {
      for (int batch = 0; batch < next; batch++) {
        if (answers[batch] == null && failures[batch] == null) {
          failures[batch] =
              new RequestTimeoutException(
                  "The embeddings batch of inputs "
                      + batches.get(batch)
                      + " had not ended "
                      + lateBatchGrace.toSeconds()
                      + " s after the request's deadline; provider '"
                      + providerId
                      + "' does not bound its calls by the deadline it is given. Report it to"
                      + " the provider's author",
                  ErrorDetails.ofProvider(providerId),
                  null);
        }
      }
      abandoned = true;
      cancelHelpers(true);
    }

    // Stops the helpers: queued ones never start; with interrupt, running ones are interrupted.
    private void cancelHelpers(boolean interrupt) {
      List<Future<?>> started;
      synchronized (this) {
        started = new ArrayList<>(helpers);
      }
      for (Future<?> helper : started) {
        helper.cancel(interrupt);
      }
    }

    private CallInterruptedException abandon(@Nullable InterruptedException e) {
      Throwable last;
      synchronized (this) {
        abandoned = true;
        noMoreClaims = true;
        last = null;
        for (Throwable failure : failures) {
          if (failure instanceof CallInterruptedException) {
            last = failure;
          }
        }
      }
      cancelHelpers(true);
      CallInterruptedException interrupted =
          new CallInterruptedException(
              "The thread waiting for an embeddings request to provider '"
                  + providerId
                  + "' was interrupted, so its batches still running were cancelled; the usage of"
                  + " those that succeeded is counted",
              ErrorDetails.ofProvider(providerId),
              last);
      if (e != null) {
        interrupted.addSuppressed(e);
      }
      return interrupted;
    }

    private synchronized EmbeddingResponse result() {
      List<Throwable> failed = new ArrayList<>();
      Throwable bug = null;
      boolean anySucceeded = false;
      for (int batch = 0; batch < batches.size(); batch++) {
        Throwable failure = failures[batch];
        if (failure != null) {
          failed.add(failure);
          if (bug == null && !(failure instanceof ConnectorException)) {
            bug = failure;
          }
        }
        anySucceeded |= answers[batch] != null;
      }
      if (failed.isEmpty()) {
        return success();
      }
      // A failure outside the api's exceptions is a bug in the port: it surfaces as it is.
      Throwable first = bug != null ? bug : failed.get(0);
      if (bug != null || !anySucceeded) {
        throw rethrown(withOthers(first, first, failed));
      }
      PartialEmbeddingException partial =
          new PartialEmbeddingException(Arrays.asList(byInput), (ConnectorException) first);
      throw withOthers(partial, first, failed);
    }

    private EmbeddingResponse success() {
      TokenUsage summed = TokenUsage.ZERO;
      for (EmbeddingResponse answer : answers) {
        summed = summed.plus(Objects.requireNonNull(answer).usage());
      }
      EmbeddingResponse first = Objects.requireNonNull(answers[0]);
      // Every slot is filled when every batch succeeded; the response copies the references.
      return new EmbeddingResponse(
          Arrays.asList(byInput), first.model(), summed, first.requestId());
    }
  }

  private static <T extends Throwable> T withOthers(
      T thrown, Throwable first, List<Throwable> failed) {
    for (Throwable failure : failed) {
      // A fake may throw one instance for several batches.
      if (failure != first && failure != thrown) {
        thrown.addSuppressed(failure);
      }
    }
    return thrown;
  }

  private static RuntimeException rethrown(Throwable failure) {
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    return (RuntimeException) failure;
  }

  /** Creates the daemon threads of the pool. */
  private static final class EmbeddingThreads implements ThreadFactory {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private final int poolNumber = POOLS.incrementAndGet();
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable runnable) {
      Thread thread =
          new Thread(
              runnable,
              "openai-connector-embeddings-" + poolNumber + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
