package dev.openaiconnector.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One stored piece of a knowledge base: an id, its text, metadata as string pairs and its vector.
 *
 * <p>Immutable apart from the vector, which is handed over, not copied, because vectors are large
 * and numerous: neither the chunk nor a knowledge base changes it, and neither should anyone who
 * shares it.
 *
 * @param id the chunk's id, unique within its knowledge base; adding a chunk with an id that is
 *     present replaces the stored one
 * @param text the text the vector was computed from
 * @param metadata string pairs used to filter searches and deletions; copied
 * @param vector the embedding of the text; taken over, not copied
 */
public record KnowledgeChunk(String id, String text, Map<String, String> metadata, float[] vector) {

  /**
   * Checks and copies the values.
   *
   * @throws IllegalArgumentException if the id is blank, the vector empty or not finite, or a
   *     metadata key blank
   */
  public KnowledgeChunk {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(vector, "vector");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (vector.length == 0) {
      throw new IllegalArgumentException("vector of chunk '" + id + "' must not be empty");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "vector of chunk '" + id + "' has a value that is not finite at index " + i);
      }
    }
    for (String key : metadata.keySet()) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("metadata of chunk '" + id + "' has a blank key");
      }
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * Returns the number of dimensions of the vector.
   *
   * @return the vector's length
   */
  public int dimensions() {
    return vector.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KnowledgeChunk
        && ((KnowledgeChunk) other).id.equals(id)
        && ((KnowledgeChunk) other).text.equals(text)
        && ((KnowledgeChunk) other).metadata.equals(metadata)
        && Arrays.equals(((KnowledgeChunk) other).vector, vector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, text, metadata) * 31 + Arrays.hashCode(vector);
  }

  /** Names the id, the metadata and the dimensions; the text may be long and is left out. */
  @Override
  public String toString() {
    return "KnowledgeChunk[id="
        + id
        + ", metadata="
        + metadata
        + ", characters="
        + text.length()
        + ", dimensions="
        + vector.length
        + "]";
  }
}
