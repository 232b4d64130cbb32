package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.KnowledgeChunk;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A text to add to a knowledge base, with the id that names it and metadata that every one of its
 * chunks carries (for filters such as {@code lang = en}).
 *
 * <p>The id may hold any characters, {@code #} included: a chunk's id is the document's id, a
 * {@code #} and the chunk's position, and the position is read after the last {@code #}, so two
 * documents never share a chunk id. The metadata keys {@value TextChunker#SOURCE}, {@value
 * TextChunker#POSITION}, {@value TextChunker#START}, {@value TextChunker#END} and {@value
 * Knowledge#SOURCE_HASH} are set by the library on every chunk and are refused here, rather than
 * silently replaced.
 *
 * <p>The id, the text and the metadata must not hold the character U+0000 or an unpaired surrogate
 * ({@link KnowledgeChunk#indexOfUnstorable(String)}): no knowledge base can store them, so such a
 * document is rejected here, before anything is paid for its embeddings, rather than when its
 * chunks are written.
 *
 * @param id the document's id, unique within the knowledge base, such as a path or a URL; not
 *     blank
 * @param text the text; not blank
 * @param metadata string pairs copied to every chunk; copied
 */
public record Document(String id, String text, Map<String, String> metadata) {
  /** The metadata keys the library sets on every chunk. */
  static final Set<String> RESERVED_KEYS =
      Set.of(
          TextChunker.SOURCE,
          TextChunker.POSITION,
          TextChunker.START,
          TextChunker.END,
          Knowledge.SOURCE_HASH);

  /**
   * Checks and copies the values.
   *
   * @throws IllegalArgumentException if the id or the text is blank, a metadata key is blank or
   *     reserved, or the id, the text or the metadata holds a character that cannot be stored
   *     (the message names the document and the field)
   * @throws NullPointerException if a value, a metadata key or a metadata value is null; the
   *     message names it
   */
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    if (id.isBlank()) {
      throw new IllegalArgumentException(
          "document id must not be blank; use a stable name such as the file path or URL");
    }
    requireStorable(id, id, "id");
    requireStorable(id, text, "text");
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "text of document '"
              + id
              + "' is blank: there is nothing to ingest; to drop the document from the knowledge"
              + " base, call Knowledge.remove(\""
              + id
              + "\")");
    }
    for (Map.Entry<String, String> pair : metadata.entrySet()) {
      String key = pair.getKey();
      if (key == null) {
        throw new NullPointerException("metadata of document '" + id + "' has a null key");
      }
      if (key.isBlank()) {
        throw new IllegalArgumentException("metadata of document '" + id + "' has a blank key");
      }
      requireStorable(id, key, "metadata key '" + escaped(key) + "'");
      if (pair.getValue() == null) {
        throw new NullPointerException(
            "metadata of document '" + id + "' has a null value for key '" + key + "'");
      }
      requireStorable(id, pair.getValue(), "metadata value of key '" + key + "'");
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "metadata key '"
                + key
                + "' of document '"
                + id
                + "' is reserved: the library sets "
                + RESERVED_KEYS
                + " on every chunk; rename the key");
      }
    }
    metadata = Map.copyOf(metadata);
  }

  private static void requireStorable(String id, String value, String field) {
    int index = KnowledgeChunk.indexOfUnstorable(value);
    if (index >= 0) {
      char c = value.charAt(index);
      throw new IllegalArgumentException(
          field
              + " of document '"
              + escaped(id)
              + "' has "
              + (c == '\0' ? "U+0000" : String.format("an unpaired surrogate U+%04X", (int) c))
              + " at index "
              + index
              + ", which no knowledge base can store; remove it or replace it (U+FFFD) before"
              + " ingesting");
    }
  }

  /** Writes the characters that cannot be stored as escapes, for a readable message. */
  private static String escaped(String value) {
    StringBuilder out = new StringBuilder(value.length());
    int from = 0;
    for (int index = KnowledgeChunk.indexOfUnstorable(value);
        index >= 0;
        index = nextUnstorable(value, from)) {
      out.append(value, from, index).append(String.format("\\u%04X", (int) value.charAt(index)));
      from = index + 1;
    }
    return out.append(value, from, value.length()).toString();
  }

  private static int nextUnstorable(String value, int from) {
    int index = KnowledgeChunk.indexOfUnstorable(value.substring(from));
    return index < 0 ? -1 : from + index;
  }

  /**
   * A document without metadata.
   *
   * @param id the document's id; not blank
   * @param text the text; not blank
   * @return the document
   * @throws IllegalArgumentException if the id or the text is blank
   */
  public static Document of(String id, String text) {
    return new Document(id, text, Map.of());
  }

  /** Names the id, the metadata and the length; the text may be long and private. */
  @Override
  public String toString() {
    return "Document[id=" + id + ", metadata=" + metadata + ", characters=" + text.length() + "]";
  }
}
