package dev.openaiconnector.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An embeddings request: the model and the texts, of any number. The connector splits a long list
 * into requests the provider accepts, sends them in parallel and returns the vectors in input
 * order.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} checks every input before any network
 * call and reports all problems at once in a {@link RequestValidationException}, naming the index
 * of each bad input.
 *
 * <pre>{@code
 * EmbeddingResponse vectors = ai.embedAll(EmbeddingRequest.builder()
 *     .model("text-embedding-3-small")
 *     .inputs(texts)
 *     .dimensions(512)
 *     .build());
 * }</pre>
 */
public final class EmbeddingRequest {
  private final String model;
  private final List<String> inputs;
  private final @Nullable Integer dimensions;
  private final @Nullable String endUserId;
  private final @Nullable Duration timeout;
  private final @Nullable Integer maxRetries;

  private EmbeddingRequest(
      String model,
      List<String> inputs,
      @Nullable Integer dimensions,
      @Nullable String endUserId,
      @Nullable Duration timeout,
      @Nullable Integer maxRetries) {
    this.model = model;
    this.inputs = inputs;
    this.dimensions = dimensions;
    this.endUserId = endUserId;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
  }

  /**
   * Starts a request.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this request's values, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .model(model)
        .inputs(inputs)
        .dimensions(dimensions)
        .endUserId(endUserId)
        .timeout(timeout)
        .maxRetries(maxRetries);
  }

  /**
   * Returns a copy of this request for some of its inputs, as the connector's batches are.
   *
   * @param from the first input, inclusive
   * @param to the last input, exclusive
   * @return the request for {@code inputs().subList(from, to)}
   * @throws IndexOutOfBoundsException if the range is not within the inputs, or empty
   */
  public EmbeddingRequest slice(int from, int to) {
    if (from < 0 || to > inputs.size() || from >= to) {
      throw new IndexOutOfBoundsException(
          "slice [" + from + ", " + to + ") of " + inputs.size() + " inputs");
    }
    return new EmbeddingRequest(
        model, inputs.subList(from, to), dimensions, endUserId, timeout, maxRetries);
  }

  /**
   * Returns the model id (for Azure, the deployment name).
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * Returns the texts to embed, in order.
   *
   * @return the inputs, never empty
   */
  public List<String> inputs() {
    return inputs;
  }

  /**
   * Returns the number of dimensions asked for ({@code text-embedding-3} models and later).
   *
   * @return the dimensions, or null for the model's own
   */
  public @Nullable Integer dimensions() {
    return dimensions;
  }

  /**
   * Returns the end-user id passed on for abuse monitoring.
   *
   * @return the user id, or null
   */
  public @Nullable String endUserId() {
    return endUserId;
  }

  /**
   * Returns this request's deadline across every batch and attempt, replacing the connector's
   * call timeout. Not sent to the provider.
   *
   * @return the timeout, or null for the connector's
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * Returns how many times each batch may be retried, replacing the connector's limit. Not sent
   * to the provider.
   *
   * @return the retries, or null for the connector's
   */
  public @Nullable Integer maxRetries() {
    return maxRetries;
  }

  // Inputs are left out: they may hold personal data and must not reach logs.
  @Override
  public String toString() {
    return "EmbeddingRequest[model="
        + model
        + ", inputs="
        + inputs.size()
        + (dimensions == null ? "" : ", dimensions=" + dimensions)
        + "]";
  }

  /** Builds an {@link EmbeddingRequest}. Not thread-safe. */
  public static final class Builder {
    private String model = "";
    private final List<@Nullable String> inputs = new ArrayList<>();
    private @Nullable Integer dimensions;
    private @Nullable String endUserId;
    private @Nullable Duration timeout;
    private @Nullable Integer maxRetries;

    private Builder() {}

    /**
     * Sets the model id (for Azure, the deployment name).
     *
     * @param model the model, for example {@code text-embedding-3-small}
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Replaces the inputs; a null element is reported by {@link #build()} with its index.
     *
     * @param inputs the texts, in order
     * @return this builder
     */
    public Builder inputs(List<? extends @Nullable String> inputs) {
      Objects.requireNonNull(inputs, "inputs");
      this.inputs.clear();
      this.inputs.addAll(inputs);
      return this;
    }

    /**
     * Appends an input.
     *
     * @param input the text
     * @return this builder
     */
    public Builder input(String input) {
      inputs.add(Objects.requireNonNull(input, "input"));
      return this;
    }

    /**
     * Sets the number of dimensions of the vectors ({@code text-embedding-3} models and later).
     *
     * @param dimensions the dimensions, positive; or null for the model's own
     * @return this builder
     */
    public Builder dimensions(@Nullable Integer dimensions) {
      this.dimensions = dimensions;
      return this;
    }

    /**
     * Sets the end-user id (the API's {@code user} field) passed on for abuse monitoring.
     *
     * @param endUserId the user id, or null
     * @return this builder
     */
    public Builder endUserId(@Nullable String endUserId) {
      this.endUserId = endUserId;
      return this;
    }

    /**
     * Sets the time the whole request may take, every batch, attempt and wait included.
     *
     * @param timeout the timeout, positive; or null for the connector's
     * @return this builder
     */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how many times each batch may be retried after a retriable failure.
     *
     * @param maxRetries the retries, zero or more; or null for the connector's
     * @return this builder
     */
    public Builder maxRetries(@Nullable Integer maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Checks every field and builds the request.
     *
     * @return the request
     * @throws RequestValidationException listing every problem, naming each bad input's index
     */
    public EmbeddingRequest build() {
      List<String> problems = new ArrayList<>();
      if (model.isBlank()) {
        problems.add(
            "model must not be blank; set it with model(\"text-embedding-3-small\") or similar");
      }
      if (inputs.isEmpty()) {
        problems.add("inputs must not be empty; add the texts with inputs(...) or input(...)");
      }
      List<String> checked = new ArrayList<>(inputs.size());
      int reported = 0;
      for (int i = 0; i < inputs.size(); i++) {
        String input = inputs.get(i);
        if (input == null || input.isBlank()) {
          // Report the first few: a list with thousands of empty strings needs one message.
          if (reported++ < 10) {
            problems.add(
                "inputs["
                    + i
                    + "] is "
                    + (input == null ? "null" : "blank")
                    + "; the API rejects empty inputs, so remove it or give it text");
          }
        } else {
          checked.add(input);
        }
      }
      if (reported > 10) {
        problems.add("and " + (reported - 10) + " more null or blank inputs");
      }
      if (dimensions != null && dimensions < 1) {
        problems.add("dimensions must be positive, was " + dimensions);
      }
      CallLimits.check(problems, timeout, maxRetries);
      if (!problems.isEmpty()) {
        throw new RequestValidationException(problems);
      }
      return new EmbeddingRequest(
          model.strip(), List.copyOf(checked), dimensions, endUserId, timeout, maxRetries);
    }
  }
}
