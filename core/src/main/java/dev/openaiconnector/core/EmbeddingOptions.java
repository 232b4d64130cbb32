package dev.openaiconnector.core;

/**
 * How a connector splits a long list of texts into embeddings requests and how many of them it
 * sends at once. Set once per connector with {@link
 * Connectors.Builder#embeddings(EmbeddingOptions)}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Connector ai = Connectors.builder()
 *     .embeddings(EmbeddingOptions.builder().maxParallelRequests(8).build())
 *     .build();
 * }</pre>
 *
 * <h2>Batches</h2>
 *
 * <p>{@link dev.openaiconnector.api.Connector#embedAll(dev.openaiconnector.api.EmbeddingRequest)}
 * cuts the inputs, in their order, into contiguous batches of at most {@link
 * #maxInputsPerRequest()} inputs (or the provider's own limit, when it is smaller) and at most
 * {@link #maxTokensPerRequest()} estimated tokens. A single input estimated above the token budget
 * is sent in a batch of its own, and the provider judges it.
 *
 * <p>Tokens are estimated without a tokenizer, in one pass over the characters: a quarter of a
 * token for each ASCII character (English averages about four characters a token) and a whole
 * token for every other character, since scripts such as Chinese, Japanese or Cyrillic take about
 * a token per character or more. The estimate errs on the high side, so batches stay under the
 * provider's limit at the price of a few more requests for non-Latin text.
 *
 * <h2>Parallelism</h2>
 *
 * <p>Up to {@link #maxParallelRequests()} batches of one request are in flight at once: the
 * calling thread runs batches itself, and the others run on the connector's own pool of at most
 * {@link #maxParallelRequests()} daemon threads, started on first use, stopped when idle and shut
 * down by {@link dev.openaiconnector.api.Connector#close()}. Every batch also takes a place in the
 * connector's bulkhead ({@link ResilienceOptions#maxConcurrentCalls()}). Each batch is one call
 * for retries, listeners and usage: it is retried on its own, and its usage is counted as soon as
 * it succeeds, on the thread that ran it, so listeners must be thread-safe.
 *
 * <h2>Failures</h2>
 *
 * <p>When a batch fails for good, the others go on, except after a failure every batch would meet
 * (authentication, permission, model not found, quota, configuration, an unsupported capability,
 * request validation, an interrupt, or a failure outside the api's exceptions): then no new batch
 * starts, and the inputs of those not sent count as missing. An {@link
 * dev.openaiconnector.api.InvalidRequestException} (HTTP 400) or {@link
 * dev.openaiconnector.api.ContentFilterException} does not stop the others: it is usually about
 * the failed batch's own inputs, such as one input over the model's per-input token limit. If
 * some batches succeeded, a
 * {@link dev.openaiconnector.api.PartialEmbeddingException} keeps their vectors; otherwise the
 * first batch's failure is thrown, the others suppressed in it.
 */
public final class EmbeddingOptions {
  /** The default, and OpenAI's, limit of inputs per request. */
  public static final int DEFAULT_MAX_INPUTS_PER_REQUEST = 2048;

  /**
   * The default budget of estimated tokens per request: under OpenAI's limit of 300,000 tokens
   * per embeddings request, with room for the estimate's error.
   */
  public static final int DEFAULT_MAX_TOKENS_PER_REQUEST = 250_000;

  /** The default number of batches of one request in flight at once. */
  public static final int DEFAULT_MAX_PARALLEL_REQUESTS = 4;

  private static final EmbeddingOptions DEFAULTS = builder().build();

  private final int maxInputsPerRequest;
  private final int maxTokensPerRequest;
  private final int maxParallelRequests;

  private EmbeddingOptions(Builder builder) {
    this.maxInputsPerRequest = builder.maxInputsPerRequest;
    this.maxTokensPerRequest = builder.maxTokensPerRequest;
    this.maxParallelRequests = builder.maxParallelRequests;
  }

  /**
   * Returns the options every connector uses unless told otherwise: {@value
   * #DEFAULT_MAX_INPUTS_PER_REQUEST} inputs and {@value #DEFAULT_MAX_TOKENS_PER_REQUEST} estimated
   * tokens per request, {@value #DEFAULT_MAX_PARALLEL_REQUESTS} requests in flight.
   *
   * @return the default options
   */
  public static EmbeddingOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts options from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options, to derive changed ones.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxInputsPerRequest = maxInputsPerRequest;
    builder.maxTokensPerRequest = maxTokensPerRequest;
    builder.maxParallelRequests = maxParallelRequests;
    return builder;
  }

  /**
   * Returns the most inputs sent in one request; the provider's own limit applies when smaller.
   *
   * @return at least 1
   */
  public int maxInputsPerRequest() {
    return maxInputsPerRequest;
  }

  /**
   * Returns the budget of estimated tokens per request.
   *
   * @return at least 1
   */
  public int maxTokensPerRequest() {
    return maxTokensPerRequest;
  }

  /**
   * Returns how many batches of one request are in flight at once.
   *
   * @return at least 1; 1 sends the batches one after the other on the calling thread
   */
  public int maxParallelRequests() {
    return maxParallelRequests;
  }

  @Override
  public String toString() {
    return "EmbeddingOptions[maxInputsPerRequest="
        + maxInputsPerRequest
        + ", maxTokensPerRequest="
        + maxTokensPerRequest
        + ", maxParallelRequests="
        + maxParallelRequests
        + "]";
  }

  /** Builds {@link EmbeddingOptions}. Not thread-safe. */
  public static final class Builder {
    private int maxInputsPerRequest = DEFAULT_MAX_INPUTS_PER_REQUEST;
    private int maxTokensPerRequest = DEFAULT_MAX_TOKENS_PER_REQUEST;
    private int maxParallelRequests = DEFAULT_MAX_PARALLEL_REQUESTS;

    private Builder() {}

    /**
     * Sets the most inputs sent in one request.
     *
     * @param maxInputsPerRequest at least 1; {@value
     *     EmbeddingOptions#DEFAULT_MAX_INPUTS_PER_REQUEST} unless set
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxInputsPerRequest(int maxInputsPerRequest) {
      this.maxInputsPerRequest = atLeastOne("maxInputsPerRequest", maxInputsPerRequest);
      return this;
    }

    /**
     * Sets the budget of estimated tokens per request.
     *
     * @param maxTokensPerRequest at least 1; {@value
     *     EmbeddingOptions#DEFAULT_MAX_TOKENS_PER_REQUEST} unless set
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxTokensPerRequest(int maxTokensPerRequest) {
      this.maxTokensPerRequest = atLeastOne("maxTokensPerRequest", maxTokensPerRequest);
      return this;
    }

    /**
     * Sets how many batches of one request are in flight at once, which also sizes the
     * connector's pool of embedding threads.
     *
     * @param maxParallelRequests at least 1; {@value
     *     EmbeddingOptions#DEFAULT_MAX_PARALLEL_REQUESTS} unless set
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxParallelRequests(int maxParallelRequests) {
      this.maxParallelRequests = atLeastOne("maxParallelRequests", maxParallelRequests);
      return this;
    }

    /**
     * Builds the options; every value was checked when it was set.
     *
     * @return the options
     */
    public EmbeddingOptions build() {
      return new EmbeddingOptions(this);
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }
  }
}
