package dev.openaiconnector.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * How many chunks a knowledge-base search returns, and which: the top {@code k} by similarity, at
 * least {@code minSimilarity} similar, and matching every metadata pair of the filter.
 *
 * <p>Immutable and thread-safe. The builder rejects a bad value where it is set.
 *
 * <p>A similarity within {@value #SIMILARITY_TOLERANCE} below the minimum counts as reaching it:
 * vectors are {@code float}s, so the similarity of a vector with itself comes out as {@code
 * 0.99999994} rather than 1, and {@code minSimilarity(1.0)} should still find it.
 *
 * <pre>{@code
 * SearchOptions options = SearchOptions.builder()
 *     .topK(5)
 *     .minSimilarity(0.3)
 *     .filter("lang", "en")
 *     .build();
 * }</pre>
 */
public final class SearchOptions {
  /** The largest {@code topK} a search accepts. */
  public static final int MAX_TOP_K = 1000;

  /**
   * How far below {@link #minSimilarity()} a similarity may be and still count as reaching it: the
   * rounding error of cosine similarity on {@code float} vectors. Every knowledge base compares
   * {@code similarity >= minSimilarity - SIMILARITY_TOLERANCE}.
   */
  public static final double SIMILARITY_TOLERANCE = 1e-6;

  private static final SearchOptions DEFAULTS = builder().build();

  private final int topK;
  private final @Nullable Double minSimilarity;
  private final Map<String, String> filter;

  private SearchOptions(Builder builder) {
    this.topK = builder.topK;
    this.minSimilarity = builder.minSimilarity;
    this.filter = Map.copyOf(builder.filter);
  }

  /**
   * Returns the defaults: the top 5, no minimum similarity, no filter.
   *
   * @return the default options
   */
  public static SearchOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the defaults with another {@code topK}.
   *
   * @param topK the number of chunks to return at most, from 1 to {@value #MAX_TOP_K}
   * @return the options
   */
  public static SearchOptions topK(int topK) {
    return builder().topK(topK).build();
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
   * Returns a builder holding these options, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder().topK(topK).filter(filter);
    if (minSimilarity != null) {
      builder.minSimilarity(minSimilarity);
    }
    return builder;
  }

  /**
   * Returns the number of chunks a search returns at most.
   *
   * @return from 1 to {@value #MAX_TOP_K}
   */
  public int topK() {
    return topK;
  }

  /**
   * Returns the cosine similarity a chunk needs at least, if one was set; a chunk within {@value
   * #SIMILARITY_TOLERANCE} below it is found too.
   *
   * @return the minimum, from 0 to 1, or empty for no minimum
   */
  public OptionalDouble minSimilarity() {
    return minSimilarity == null ? OptionalDouble.empty() : OptionalDouble.of(minSimilarity);
  }

  /**
   * Returns the metadata pairs a chunk must all have to be found.
   *
   * @return the filter; empty when every chunk qualifies
   */
  public Map<String, String> filter() {
    return filter;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SearchOptions
        && ((SearchOptions) other).topK == topK
        && Objects.equals(((SearchOptions) other).minSimilarity, minSimilarity)
        && ((SearchOptions) other).filter.equals(filter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topK, minSimilarity, filter);
  }

  @Override
  public String toString() {
    return "SearchOptions[topK="
        + topK
        + (minSimilarity == null ? "" : ", minSimilarity=" + minSimilarity)
        + (filter.isEmpty() ? "" : ", filter=" + filter)
        + "]";
  }

  /** Builds {@link SearchOptions}; not thread-safe. */
  public static final class Builder {
    private int topK = 5;
    private @Nullable Double minSimilarity;
    private final Map<String, String> filter = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets how many chunks a search returns at most.
     *
     * @param topK from 1 to {@value #MAX_TOP_K}; 5 unless set
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder topK(int topK) {
      if (topK < 1 || topK > MAX_TOP_K) {
        throw new IllegalArgumentException(
            "topK must be from 1 to " + MAX_TOP_K + ", was " + topK);
      }
      this.topK = topK;
      return this;
    }

    /**
     * Sets the cosine similarity a chunk needs at least to be found; a chunk within {@value
     * #SIMILARITY_TOLERANCE} below it is found too, so that {@code 1.0} finds an identical vector
     * despite rounding.
     *
     * @param minSimilarity from 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder minSimilarity(double minSimilarity) {
      if (!(minSimilarity >= 0 && minSimilarity <= 1)) {
        throw new IllegalArgumentException(
            "minSimilarity must be from 0 to 1, was " + minSimilarity);
      }
      this.minSimilarity = minSimilarity;
      return this;
    }

    /**
     * Adds a metadata pair that every chunk found must have.
     *
     * @param key the metadata key
     * @param value the value it must have
     * @return this builder
     * @throws IllegalArgumentException if the key is blank
     */
    public Builder filter(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank()) {
        throw new IllegalArgumentException("filter key must not be blank");
      }
      filter.put(key, value);
      return this;
    }

    /**
     * Adds metadata pairs that every chunk found must have.
     *
     * @param pairs the keys and their values
     * @return this builder
     * @throws IllegalArgumentException if a key is blank
     */
    public Builder filter(Map<String, String> pairs) {
      Objects.requireNonNull(pairs, "pairs").forEach(this::filter);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public SearchOptions build() {
      return new SearchOptions(this);
    }
  }
}
