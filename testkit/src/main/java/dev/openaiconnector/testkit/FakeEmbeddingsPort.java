package dev.openaiconnector.testkit;

import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import dev.openaiconnector.testkit.internal.FakeVectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scripted, recording embeddings port: each batch gets, in this order, the next queued answer;
 * the {@link #answerWith} function if one is set; else {@link #defaultAnswer}, the same
 * bag-of-words vectors {@link FakeOpenAiServer} returns (unless the fake is {@link
 * FakeProvider#strict()}: then the batch fails with an {@link AssertionError}). Every batch is
 * recorded, and every answer waits the {@link #latency} first. Thread-safe.
 *
 * <pre>{@code
 * fake.embeddingsPort().enqueueFailure(new ServerException("boom", details, null));  // script
 * ai.embedAll(request);                                                              // exercise
 * assertThat(fake.embeddingsPort().requests()).hasSize(2);                           // verify
 * }</pre>
 */
public final class FakeEmbeddingsPort implements EmbeddingsPort {
  private final PortScript<EmbeddingRequest, EmbeddingResponse> script;
  private volatile int maxInputsPerRequest = 2048;

  FakeEmbeddingsPort(FakeProvider.Shared shared) {
    this.script =
        new PortScript<>(
            "FakeEmbeddingsPort",
            shared,
            FakeEmbeddingsPort::defaultAnswer,
            true,
            FakeEmbeddingsPort::describe,
            "enqueue(...) or enqueueFailure(...)");
  }

  PortScript<EmbeddingRequest, EmbeddingResponse> script() {
    return script;
  }

  /**
   * Queues an answer, returned as is, even if it does not match the batch: to test how the core
   * treats a provider that breaks the port's contract.
   *
   * @param response the answer to return for the next unanswered batch
   * @return this port
   */
  public FakeEmbeddingsPort enqueue(EmbeddingResponse response) {
    Objects.requireNonNull(response, "response");
    script.enqueue(request -> response);
    return this;
  }

  /**
   * Queues a failure.
   *
   * @param failure the exception to throw for the next unanswered batch
   * @return this port
   */
  public FakeEmbeddingsPort enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.enqueue(
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
  public FakeEmbeddingsPort answerWith(Function<EmbeddingRequest, EmbeddingResponse> answer) {
    script.fallback(answer);
    return this;
  }

  /**
   * Makes every answer wait this long first; an answer that would outlast the call's deadline
   * fails with a {@code RequestTimeoutException} when the deadline passes.
   *
   * @param latency the wait, zero (the default) for none
   * @return this port
   */
  public FakeEmbeddingsPort latency(Duration latency) {
    script.latency(latency);
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
    return script.answer(request, deadline);
  }

  /**
   * Returns the batches received so far, in the order they arrived (with parallel batches, not
   * necessarily input order).
   *
   * @return a copy of the recorded batches
   */
  public List<EmbeddingRequest> requests() {
    return script.requests();
  }

  /**
   * Returns the last batch received.
   *
   * @return the batch
   * @throws IllegalStateException if there was none
   */
  public EmbeddingRequest lastRequest() {
    return script.lastRequest();
  }

  /**
   * Returns how many scripted answers are still queued.
   *
   * @return the count
   */
  public int remaining() {
    return script.remaining();
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

  /** The batch as a misuse message shows it: model, size, the first input. */
  private static String describe(EmbeddingRequest request) {
    List<String> inputs = request.inputs();
    return "model "
        + request.model()
        + ", "
        + inputs.size()
        + (inputs.size() == 1 ? " input " : " inputs, the first ")
        + (inputs.isEmpty() ? "" : FakeChatPort.excerpt(inputs.get(0)));
  }

  /**
   * Returns the vector the fakes give a text, the same as {@link FakeOpenAiServer} sends, so tests
   * can compute what to expect: a bag of words hashed into the dimensions. The text's words (runs
   * of letters and digits, lower-cased, without common English function words such as "the", "is"
   * or "of" unless it has nothing else) each add {@code +1} or {@code -1} to one dimension, both
   * chosen by a hash of the model and the word; the sum is L2-normalised. So texts that share words
   * are similar (the cosine is about the share of words in common), texts that share none are
   * nearly orthogonal, and case, punctuation and word order make no difference: a test of
   * retrieval gets meaningful nearest neighbours without a script. A text without letters or
   * digits is hashed whole. Fewer {@code dimensions} hash the same words into fewer dimensions.
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
