package dev.openaiconnector.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One input's vector. The array is handed over, not copied, because vectors are large and
 * numerous: the embedding never reads or changes it after creation, and neither should anyone
 * who shares it with others.
 */
public final class Embedding {
  private final int index;
  private final float[] vector;

  /**
   * Creates the embedding.
   *
   * @param index the position of its input in the request, from 0
   * @param vector the vector; taken over, not copied
   * @throws IllegalArgumentException if the index is negative or the vector empty
   */
  public Embedding(int index, float[] vector) {
    Objects.requireNonNull(vector, "vector");
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative, was " + index);
    }
    if (vector.length == 0) {
      throw new IllegalArgumentException("vector must not be empty");
    }
    this.index = index;
    this.vector = vector;
  }

  /**
   * Returns the position of the input this vector belongs to.
   *
   * @return the index in the request's inputs, from 0
   */
  public int index() {
    return index;
  }

  /**
   * Returns the vector itself, not a copy.
   *
   * @return the vector
   */
  public float[] vector() {
    return vector;
  }

  /**
   * Returns the number of dimensions.
   *
   * @return the vector's length
   */
  public int dimensions() {
    return vector.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Embedding
        && ((Embedding) other).index == index
        && Arrays.equals(((Embedding) other).vector, vector);
  }

  @Override
  public int hashCode() {
    return 31 * index + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "Embedding[index=" + index + ", dimensions=" + vector.length + "]";
  }
}
