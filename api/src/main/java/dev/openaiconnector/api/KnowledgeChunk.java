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
 * <p>Strings that cannot be stored are rejected here, once for every knowledge base: the id, the
 * text and every metadata key and value must not contain the character U+0000 or an unpaired
 * surrogate (a {@code char} from U+D800 to U+DFFF that is not half of a valid pair). PostgreSQL
 * rejects both, and UTF-8, the encoding of files and databases, has no form for an unpaired
 * surrogate: it would be written as {@code ?}, so that two ids could become one. {@link
 * #indexOfUnstorable(String)} finds such a character before a chunk is made.
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
   * @throws IllegalArgumentException if the id is blank, the vector empty or not finite, a
   *     metadata key blank, or the id, the text or a metadata key or value holds a character that
   *     cannot be stored (see {@link #indexOfUnstorable(String)}); the message names the chunk id
   *     and the field
   * @throws NullPointerException if a value, a metadata key or a metadata value is null; the
   *     message names it
   */
  public KnowledgeChunk {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(vector, "vector");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    requireStorable(id, id, "id");
    requireStorable(id, text, "text");
    if (vector.length == 0) {
      throw new IllegalArgumentException("vector of chunk '" + id + "' must not be empty");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "vector of chunk '" + id + "' has a value that is not finite at index " + i);
      }
    }
    for (Map.Entry<String, String> pair : metadata.entrySet()) {
      String key = pair.getKey();
      if (key == null) {
        throw new NullPointerException("metadata of chunk '" + printable(id) + "' has a null key");
      }
      if (key.isBlank()) {
        throw new IllegalArgumentException(
            "metadata of chunk '" + printable(id) + "' has a blank key");
      }
      requireStorable(id, key, "metadata key '" + printable(key) + "'");
      String value = pair.getValue();
      if (value == null) {
        throw new NullPointerException(
            "metadata of chunk '" + printable(id) + "' has a null value for key '" + key + "'");
      }
      requireStorable(id, value, "metadata value of key '" + key + "'");
    }
    metadata = Map.copyOf(metadata);
  }

  /**
   * Finds the first character of a string that no knowledge base can store: U+0000 or a {@code
   * char} from U+D800 to U+DFFF that is not half of a surrogate pair (a high one followed by a low
   * one).
   *
   * <p>Use it to check text before paying for its embedding; the constructor rejects a chunk with
   * such a character in its id, text or metadata.
   *
   * @param value the string to check
   * @return the index of the first such {@code char}, or -1 if every character can be stored
   */
  public static int indexOfUnstorable(String value) {
    Objects.requireNonNull(value, "value");
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        return i;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++; // a valid pair: one supplementary character
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  private static void requireStorable(String id, String value, String field) {
    int index = indexOfUnstorable(value);
    if (index >= 0) {
      char c = value.charAt(index);
      throw new IllegalArgumentException(
          field
              + " of chunk '"
              + printable(id)
              + "' has "
              + (c == '\0' ? "U+0000" : String.format("an unpaired surrogate U+%04X", (int) c))
              + " at index "
              + index
              + ", which cannot be stored");
    }
  }

  /** Writes unstorable characters as escapes so that a message stays readable in any log. */
  private static String printable(String value) {
    int index = indexOfUnstorable(value);
    if (index < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 8).append(value, 0, index);
    while (index >= 0) {
      out.append(String.format("\\u%04X", (int) value.charAt(index)));
      String rest = value.substring(index + 1);
      int next = indexOfUnstorable(rest);
      out.append(rest, 0, next < 0 ? rest.length() : next);
      index = next < 0 ? -1 : index + 1 + next;
    }
    return out.toString();
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
