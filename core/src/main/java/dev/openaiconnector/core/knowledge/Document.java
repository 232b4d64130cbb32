package dev.openaiconnector.core.knowledge;

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
   * @throws IllegalArgumentException if the id or the text is blank, or a metadata key is blank
   *     or reserved
   */
  public Document {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    if (id.isBlank()) {
      throw new IllegalArgumentException(
          "document id must not be blank; use a stable name such as the file path or URL");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "text of document '"
              + id
              + "' is blank: there is nothing to ingest; to drop the document from the knowledge"
              + " base, call Knowledge.remove(\""
              + id
              + "\")");
    }
    for (String key : metadata.keySet()) {
      if (key.isBlank()) {
        throw new IllegalArgumentException("metadata of document '" + id + "' has a blank key");
      }
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
