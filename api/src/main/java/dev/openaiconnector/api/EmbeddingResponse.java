package dev.openaiconnector.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The vectors of an embeddings request, in input order, with the tokens they cost. For a request
 * the connector split into batches, the usage is the sum and the request id the first batch's.
 *
 * @param embeddings one per input, {@code embeddings().get(i).index() == i}
 * @param model the model that answered
 * @param usage the tokens counted (embeddings have prompt tokens only)
 * @param requestId the provider's request id, or null
 */
public record EmbeddingResponse(
    List<Embedding> embeddings, String model, TokenUsage usage, @Nullable String requestId) {

  /** Checks the components and copies the list. */
  public EmbeddingResponse {
    embeddings = List.copyOf(embeddings);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(usage, "usage");
  }

  /**
   * Returns the vectors alone, in input order.
   *
   * @return the vectors, not copied
   */
  public List<float[]> vectors() {
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    for (Embedding embedding : embeddings) {
      vectors.add(embedding.vector());
    }
    return vectors;
  }

  /**
   * Returns the vector of one input.
   *
   * @param index the input's position, from 0
   * @return its vector, not copied
   */
  public float[] vector(int index) {
    return embeddings.get(index).vector();
  }

  // The vectors are left out: a toString of thousands of floats helps no one.
  @Override
  public String toString() {
    return "EmbeddingResponse[embeddings="
        + embeddings.size()
        + ", model="
        + model
        + ", usage="
        + usage
        + (requestId == null ? "" : ", requestId=" + requestId)
        + "]";
  }
}
