package dev.openaiconnector.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store of {@link KnowledgeChunk}s searched by vector similarity: the port behind
 * retrieval-augmented generation.
 *
 * <p>The core ships an in-memory implementation ({@code InMemoryKnowledgeBase}) and the module
 * {@code openai-connector-knowledge-pgvector} one on PostgreSQL; {@code Knowledge} in the core
 * chunks and embeds documents into any of them, searches by text and answers questions from them.
 * An implementation of your own can prove itself with the testkit's {@code
 * KnowledgeBaseContract}.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li>All vectors have {@link #dimensions()} dimensions; a chunk or a query of another length is
 *       rejected with an {@link IllegalArgumentException} that names it, and nothing is written.
 *   <li>Similarity is the cosine similarity, from -1 to 1. A zero vector has none and is rejected.
 *       A chunk read back has the id, text and metadata it was stored with, and a vector of the
 *       same direction: an implementation may keep vectors normalised to length 1.
 *   <li>{@link #search} returns hits by similarity, highest first; equal similarities are ordered
 *       by chunk id. A filter matches a chunk that has every one of its pairs.
 *   <li>A write is visible to every search that starts after it returns. Implementations are
 *       thread-safe.
 *   <li>Strings with the character U+0000 or an unpaired surrogate cannot be stored, in an id, a
 *       text or metadata: {@link KnowledgeChunk} rejects them when it is made, so that no
 *       implementation has to, and none silently changes them.
 * </ul>
 */
public interface KnowledgeBase extends AutoCloseable {

  /**
   * Returns the number of dimensions of every vector stored and searched.
   *
   * @return the vector length, at least 1
   */
  int dimensions();

  /**
   * Adds chunks, replacing a stored chunk with the same id. The chunks are written together or,
   * when one is rejected, not at all.
   *
   * @param chunks the chunks; ids must be unique within the list
   * @throws IllegalArgumentException if a chunk's vector has another length or is zero, or two
   *     chunks share an id
   */
  void upsert(List<KnowledgeChunk> chunks);

  /**
   * Deletes the chunks with these ids; ids that are not stored are ignored.
   *
   * @param ids the ids
   * @return the number of chunks deleted
   */
  int delete(Collection<String> ids);

  /**
   * Deletes every chunk that has all these metadata pairs.
   *
   * @param metadata the pairs a chunk must have to be deleted; not empty
   * @return the number of chunks deleted
   * @throws IllegalArgumentException if the pairs are empty (that would delete everything)
   */
  int deleteMatching(Map<String, String> metadata);

  /**
   * Finds the chunks most similar to a vector.
   *
   * @param vector the query vector, of {@link #dimensions()} dimensions, finite, not zero
   * @param options how many chunks, how similar at least (within {@link
   *     SearchOptions#SIMILARITY_TOLERANCE}), and which metadata they must have
   * @return the hits, most similar first; at most {@code options.topK()}, possibly none
   * @throws IllegalArgumentException if the vector has another length, is zero, or holds a value
   *     that is not finite
   */
  List<KnowledgeHit> search(float[] vector, SearchOptions options);

  /**
   * Returns the stored chunk with this id.
   *
   * @param id the chunk id
   * @return the chunk, or empty if none has this id
   */
  Optional<KnowledgeChunk> get(String id);

  /**
   * Counts the chunks that have every one of these metadata pairs.
   *
   * @param metadata the pairs; empty to count every chunk
   * @return the number of chunks
   */
  long count(Map<String, String> metadata);

  /**
   * Releases what the knowledge base holds. What a file-backed knowledge base has not saved yet
   * is saved; a knowledge base on a database leaves the application's {@code DataSource} open.
   */
  @Override
  void close();
}
