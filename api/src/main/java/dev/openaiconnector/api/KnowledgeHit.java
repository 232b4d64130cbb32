package dev.openaiconnector.api;

import java.util.Objects;

/**
 * A chunk found by a search, with its cosine similarity to the query.
 *
 * @param chunk the stored chunk
 * @param similarity the cosine similarity of the query and the chunk's vector, from -1 to 1
 */
public record KnowledgeHit(KnowledgeChunk chunk, double similarity) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if the similarity is not a number
   */
  public KnowledgeHit {
    Objects.requireNonNull(chunk, "chunk");
    if (Double.isNaN(similarity)) {
      throw new IllegalArgumentException("similarity must be a number");
    }
  }
}
