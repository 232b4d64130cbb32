package dev.openaiconnector.core.knowledge;

import java.util.Map;
import java.util.Objects;

/**
 * One piece of a {@link Document}, made by a {@link TextChunker}: its text is exactly {@code
 * document.text().substring(start, end)}, so that a citation can point back into the document.
 *
 * @param id {@code <document id>#<position>}
 * @param text the chunk's text, overlap included; never blank
 * @param position the chunk's index in its document, from 0
 * @param start the index of the chunk's first character in the document's text (a Java {@code
 *     char} index, as {@link String#substring(int, int)} takes)
 * @param end the index after the chunk's last character
 * @param metadata the document's metadata and {@value TextChunker#SOURCE}, {@value
 *     TextChunker#POSITION}, {@value TextChunker#START} and {@value TextChunker#END}; copied
 */
public record TextChunk(
    String id, String text, int position, int start, int end, Map<String, String> metadata) {

  /**
   * Checks and copies the values.
   *
   * @throws IllegalArgumentException if the position or offsets are out of order, or the length
   *     of the text does not match them
   */
  public TextChunk {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    if (position < 0 || start < 0 || end <= start || end - start != text.length()) {
      throw new IllegalArgumentException(
          "chunk '"
              + id
              + "' has position "
              + position
              + " and offsets ["
              + start
              + ", "
              + end
              + ") for a text of "
              + text.length()
              + " characters");
    }
    metadata = Map.copyOf(metadata);
  }

  /** Names the id, the offsets and the metadata; the text may be long and private. */
  @Override
  public String toString() {
    return "TextChunk[id=" + id + ", start=" + start + ", end=" + end + ", metadata=" + metadata
        + "]";
  }
}
