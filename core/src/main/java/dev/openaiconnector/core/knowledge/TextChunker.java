package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.core.internal.TextSplitter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts documents into chunks of about a number of tokens, with an overlap, at the best boundary
 * within the budget: a paragraph, else a sentence, else a word.
 *
 * <p>Tokens are estimated without a tokenizer, as the connector's embeddings batching does: a
 * quarter of a token per ASCII character (English averages about four characters a token) and one
 * per other character (Chinese, Japanese and many other scripts take about one a character or
 * more). The estimate errs on the high side for non-Latin text.
 *
 * <p>A chunk never starts or ends with whitespace. It ends at the last paragraph break (a blank
 * line) that leaves it at least half full; failing that at the last sentence end ({@code . ! ?
 * …} before whitespace, or {@code 。！？}) that leaves it at least half full; failing that at the
 * last line break that does (list items, table rows); failing that at the last sentence end that
 * leaves it at least a quarter full (a shorter one is more likely {@code Dr. } or {@code e.g. });
 * failing that at the last word end (before whitespace, or between two CJK ideographs or kana). Only a single word longer than the budget is cut inside, between two code points. Each chunk after the first starts with the last words of the one before,
 * up to {@link #overlapTokens()} tokens, so that a sentence cut in two is found from either side;
 * the budget of {@link #maxTokens()} includes this overlap.
 *
 * <p>Each chunk's metadata holds the document's metadata and {@value #SOURCE} (the document id),
 * {@value #POSITION} (the chunk's index, from 0), {@value #START} and {@value #END} (its offsets in
 * the document's text), as decimal strings. Chunking is deterministic: the same document and
 * settings always give the same chunks, which makes re-ingestion idempotent.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * TextChunker chunker = TextChunker.builder().maxTokens(300).overlapTokens(30).build();
 * for (TextChunk chunk : chunker.chunk(Document.of("handbook", text))) {
 *   System.out.println(chunk.id() + " " + chunk.start() + ".." + chunk.end());
 * }
 * }</pre>
 */
public final class TextChunker {
  /** The metadata key of the document id a chunk comes from. */
  public static final String SOURCE = "source";

  /** The metadata key of a chunk's index in its document, from 0. */
  public static final String POSITION = "position";

  /** The metadata key of the index of a chunk's first character in its document's text. */
  public static final String START = "start";

  /** The metadata key of the index after a chunk's last character in its document's text. */
  public static final String END = "end";

  /** The default budget of a chunk: about 300 English words, a few paragraphs. */
  public static final int DEFAULT_MAX_TOKENS = 400;

  /** The default overlap: a sentence or two. */
  public static final int DEFAULT_OVERLAP_TOKENS = 50;

  /**
   * The largest budget: OpenAI's embeddings models take at most 8,191 tokens per input.
   */
  public static final int MAX_TOKENS_LIMIT = 8191;

  private static final TextChunker DEFAULTS = builder().build();

  private final int maxTokens;
  private final int overlapTokens;

  private TextChunker(Builder builder) {
    this.maxTokens = builder.maxTokens;
    this.overlapTokens = builder.overlapTokens;
  }

  /**
   * Returns the chunker with the defaults: {@value #DEFAULT_MAX_TOKENS} tokens a chunk, {@value
   * #DEFAULT_OVERLAP_TOKENS} of them overlap.
   *
   * @return the default chunker
   */
  public static TextChunker defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a chunker from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these settings, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxTokens = maxTokens;
    builder.overlapTokens = overlapTokens;
    return builder;
  }

  /**
   * Returns the most estimated tokens of a chunk, overlap included.
   *
   * @return from 1 to {@value #MAX_TOKENS_LIMIT}
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * Returns the most estimated tokens a chunk repeats from the one before.
   *
   * @return from 0 to {@code maxTokens() - 1}
   */
  public int overlapTokens() {
    return overlapTokens;
  }

  /**
   * Cuts a document into chunks.
   *
   * @param document the document
   * @return the chunks, in text order, positions from 0; at least one, since a document's text is
   *     never blank
   */
  public List<TextChunk> chunk(Document document) {
    Objects.requireNonNull(document, "document");
    String text = document.text();
    List<TextSplitter.Span> spans = TextSplitter.split(text, maxTokens, overlapTokens);
    List<TextChunk> chunks = new ArrayList<>(spans.size());
    for (int position = 0; position < spans.size(); position++) {
      TextSplitter.Span span = spans.get(position);
      Map<String, String> metadata = new HashMap<>(document.metadata());
      metadata.put(SOURCE, document.id());
      metadata.put(POSITION, Integer.toString(position));
      metadata.put(START, Integer.toString(span.start()));
      metadata.put(END, Integer.toString(span.end()));
      chunks.add(
          new TextChunk(
              chunkId(document.id(), position),
              text.substring(span.start(), span.end()),
              position,
              span.start(),
              span.end(),
              metadata));
    }
    return chunks;
  }

  /**
   * Returns the id of a document's chunk.
   *
   * @param documentId the document's id
   * @param position the chunk's position, from 0
   * @return {@code <documentId>#<position>}
   */
  public static String chunkId(String documentId, int position) {
    return documentId + "#" + position;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TextChunker
        && ((TextChunker) other).maxTokens == maxTokens
        && ((TextChunker) other).overlapTokens == overlapTokens;
  }

  @Override
  public int hashCode() {
    return 31 * maxTokens + overlapTokens;
  }

  @Override
  public String toString() {
    return "TextChunker[maxTokens=" + maxTokens + ", overlapTokens=" + overlapTokens + "]";
  }

  /** Builds a {@link TextChunker}. Not thread-safe. */
  public static final class Builder {
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private int overlapTokens = DEFAULT_OVERLAP_TOKENS;

    private Builder() {}

    /**
     * Sets the most estimated tokens of a chunk, overlap included.
     *
     * @param maxTokens from 1 to {@value #MAX_TOKENS_LIMIT}; {@value #DEFAULT_MAX_TOKENS} unless
     *     set
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
        throw new IllegalArgumentException(
            "maxTokens must be from 1 to "
                + MAX_TOKENS_LIMIT
                + " (the embeddings models' input limit), was "
                + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets the most estimated tokens a chunk repeats from the end of the one before.
     *
     * @param overlapTokens zero or more, less than the max tokens; {@value
     *     #DEFAULT_OVERLAP_TOKENS} unless set
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder overlapTokens(int overlapTokens) {
      if (overlapTokens < 0) {
        throw new IllegalArgumentException(
            "overlapTokens must not be negative, was " + overlapTokens + "; use 0 for no overlap");
      }
      this.overlapTokens = overlapTokens;
      return this;
    }

    /**
     * Builds the chunker.
     *
     * @return the chunker
     * @throws ConfigurationException if the overlap is not smaller than the max tokens
     */
    public TextChunker build() {
      if (overlapTokens >= maxTokens) {
        throw new ConfigurationException(
            "Invalid chunker: overlapTokens ("
                + overlapTokens
                + ") must be less than maxTokens ("
                + maxTokens
                + "), or each chunk would hold nothing new; lower the overlap or raise"
                + " maxTokens",
            null);
      }
      return new TextChunker(this);
    }
  }
}
