package dev.openaiconnector.testkit;

import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.testkit.internal.FakeVectors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted, recording embeddings port: answers come from a queue filled by the test, then from a
 * fallback function if one is set, else from {@link #defaultAnswer}, the same vectors {@link
 * FakeOpenAiServer} returns. Every batch is recorded. Thread-safe.
 *
 * <pre>{@code
 * fake.embeddingsPort().enqueueFailure(new ServerException("boom", details, null));  // script
 * ai.embedAll(request);                                                              // exercise
 * assertThat(fake.embeddingsPort().requests()).hasSize(2);                           // verify
 * }</pre>
 */
public final class FakeEmbeddingsPort implements EmbeddingsPort {
  private final Deque<Function<EmbeddingRequest, EmbeddingResponse>> script = new ArrayDeque<>();
  private final List<EmbeddingRequest> requests = new ArrayList<>();
  private @Nullable Function<EmbeddingRequest, EmbeddingResponse> fallback;
  private volatile int maxInputsPerRequest = 2048;

  FakeEmbeddingsPort() {}

  /**
   * Queues an answer, returned as is, even if it does not match the batch: to test how the core
   * treats a provider that breaks the port's contract.
   *
   * @param response the answer to return for the next unanswered batch
   * @return this port
   */
  public synchronized FakeEmbeddingsPort enqueue(EmbeddingResponse response) {
    Objects.requireNonNull(response, "response");
    script.add(request -> response);
    return this;
  }

  /**
   * Queues a failure.
   *
   * @param failure the exception to throw for the next unanswered batch
   * @return this port
   */
  public synchronized FakeEmbeddingsPort enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.add(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every batch the queue does not answer with a function of the batch, instead of {@link
   * #defaultAnswer}.
   *
   * @param answer computes the answer, or throws
   * @return this port
   */
  public synchronized FakeEmbeddingsPort answerWith(
      Function<EmbeddingRequest, EmbeddingResponse> answer) {
    this.fallback = Objects.requireNonNull(answer, "answer");
    return this;
  }

  /**
   * Sets the most inputs the fake declares per request, so that a test can watch the core split.
   *
   * @param max the limit, positive; default 2048 as OpenAI
   * @return this port
   */
  public FakeEmbeddingsPort maxInputsPerRequest(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInputsPerRequest must be positive, was " + max);
    }
    this.maxInputsPerRequest = max;
    return this;
  }

  @Override
  public int maxInputsPerRequest() {
    return maxInputsPerRequest;
  }

  @Override
  public EmbeddingResponse embed(EmbeddingRequest request, Deadline deadline) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deadline, "deadline");
    Function<EmbeddingRequest, EmbeddingResponse> next;
    synchronized (this) {
      requests.add(request);
      next = script.isEmpty() ? fallback : script.poll();
    }
    return next == null ? defaultAnswer(request) : next.apply(request);
  }

  /**
   * Returns the batches received so far, in the order they arrived (with parallel batches, not
   * necessarily input order).
   *
   * @return a copy of the recorded batches
   */
  public synchronized List<EmbeddingRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Returns the last batch received.
   *
   * @return the batch
   * @throws IllegalStateException if there was none
   */
  public synchronized EmbeddingRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("FakeEmbeddingsPort has received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /**
   * Returns how many scripted answers are still queued.
   *
   * @return the count
   */
  public synchronized int remaining() {
    return script.size();
  }

  /**
   * Builds the answer given when nothing is scripted: per input the deterministic vector of
   * {@link #vector}, and a usage of about four characters a token (at least one per input).
   *
   * @param request the batch answered
   * @return the response
   */
  public static EmbeddingResponse defaultAnswer(EmbeddingRequest request) {
    Objects.requireNonNull(request, "request");
    List<String> inputs = request.inputs();
    List<Embedding> embeddings = new ArrayList<>(inputs.size());
    long tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      embeddings.add(new Embedding(i, vector(request.model(), inputs.get(i), request.dimensions())));
      tokens += FakeVectors.tokens(inputs.get(i));
    }
    return new EmbeddingResponse(embeddings, request.model(), TokenUsage.of(tokens, 0), null);
  }

  /**
   * Returns the vector the fakes give a text: seeded by the model and the text, L2-normalised, the
   * same as {@link FakeOpenAiServer} sends, so tests can compute what to expect.
   *
   * @param model the model id
   * @param text the text
   * @param dimensions the dimensions, or null for the model's own (3072 for {@code
   *     text-embedding-3-large}, else 1536)
   * @return a new vector
   */
  public static float[] vector(String model, String text, @Nullable Integer dimensions) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(text, "text");
    return FakeVectors.vector(
        model, text, dimensions == null ? FakeVectors.defaultDimensions(model) : dimensions);
  }
}
