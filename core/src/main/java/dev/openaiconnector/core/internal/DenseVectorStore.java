package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The storage of {@code InMemoryKnowledgeBase}: unit vectors in one contiguous {@code float[]}
 * (slot {@code i} at {@code i * dimensions}), ids, texts and metadata in parallel arrays, and a
 * map from id to slot. Deleting moves the last slot into the hole, so the slots stay dense and a
 * search reads one array from start to end.
 *
 * <p>Not thread-safe: the knowledge base guards it with a read-write lock. Vectors handed in must
 * already be normalised to length 1, so that the cosine similarity is a dot product.
 */
public final class DenseVectorStore {
  private static final int INITIAL_CAPACITY = 16;
  // Slots scored at a time before their scores meet the heap: small enough to stay in the cache.
  private static final int BLOCK = 256;
  // Some VMs reserve header words in an array: stay below the largest length they all allow.
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private final int dimensions;
  private final int maxSize;
  private final HashMap<String, Integer> slots = new HashMap<>();
  private float[] vectors;
  private @Nullable String[] ids;
  private @Nullable String[] texts;
  private @Nullable Map<?, ?>[] metadata;
  private int size;

  /**
   * Creates an empty store.
   *
   * @param dimensions the length of every vector, at least 1
   */
  public DenseVectorStore(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be at least 1, was " + dimensions);
    }
    this.dimensions = dimensions;
    this.maxSize = MAX_ARRAY_LENGTH / dimensions;
    int capacity = Math.min(INITIAL_CAPACITY, maxSize);
    this.vectors = new float[capacity * dimensions];
    this.ids = new String[capacity];
    this.texts = new String[capacity];
    this.metadata = new Map<?, ?>[capacity];
  }

  /**
   * Returns the length of every vector.
   *
   * @return the dimensions
   */
  public int dimensions() {
    return dimensions;
  }

  /**
   * Returns the number of chunks stored.
   *
   * @return the size
   */
  public int size() {
    return size;
  }

  /**
   * Returns the most chunks the store can hold: its vectors share one Java array.
   *
   * @return {@code (Integer.MAX_VALUE - 8) / dimensions}
   */
  public int maxSize() {
    return maxSize;
  }

  /**
   * Tells whether a chunk with this id is stored.
   *
   * @param id the id
   * @return true if stored
   */
  public boolean contains(String id) {
    return slots.containsKey(id);
  }

  /**
   * Makes room for more chunks, so that the puts that follow cannot fail half way.
   *
   * @param required the number of chunks the store must be able to hold
   * @throws IllegalStateException if that is more than {@link #maxSize()}
   */
  public void ensureCapacity(int required) {
    if (required > maxSize) {
      throw new IllegalStateException(
          "an in-memory knowledge base of "
              + dimensions
              + " dimensions holds at most "
              + maxSize
              + " chunks (its vectors share one Java array), and "
              + required
              + " were asked for; use the module openai-connector-knowledge-pgvector for more");
    }
    int capacity = ids.length;
    if (required > capacity) {
      // Grow by half: doubling a large store would briefly need three times its size.
      long grown = Math.max(required, capacity + (capacity >> 1));
      resize((int) Math.min(grown, maxSize));
    }
  }

  /**
   * Adds a chunk, or replaces the one with the same id. Call {@link #ensureCapacity} first.
   *
   * @param id the id
   * @param text the text
   * @param chunkMetadata the metadata, immutable
   * @param unitVector the vector, of length 1; copied
   */
  public void put(String id, String text, Map<String, String> chunkMetadata, float[] unitVector) {
    Integer existing = slots.get(id);
    int slot;
    if (existing == null) {
      ensureCapacity(size + 1);
      slot = size++;
      slots.put(id, slot);
      ids[slot] = id;
    } else {
      slot = existing;
    }
    texts[slot] = text;
    metadata[slot] = chunkMetadata;
    System.arraycopy(unitVector, 0, vectors, slot * dimensions, dimensions);
  }

  /**
   * Adds a chunk read from a file.
   *
   * @param id the id
   * @param text the text
   * @param chunkMetadata the metadata, immutable
   * @param unitVector holds the vector at its position; the position moves past it
   * @return false if the id is stored already, and then nothing changes
   */
  public boolean append(
      String id, String text, Map<String, String> chunkMetadata, FloatBuffer unitVector) {
    if (slots.containsKey(id)) {
      return false;
    }
    ensureCapacity(size + 1);
    int slot = size++;
    slots.put(id, slot);
    ids[slot] = id;
    texts[slot] = text;
    metadata[slot] = chunkMetadata;
    unitVector.get(vectors, slot * dimensions, dimensions);
    return true;
  }

  /**
   * Removes the chunk with this id.
   *
   * @param id the id
   * @return true if it was stored
   */
  public boolean remove(String id) {
    Integer slot = slots.get(id);
    if (slot == null) {
      return false;
    }
    removeSlot(slot);
    return true;
  }

  /**
   * Removes every chunk that has all these metadata pairs.
   *
   * @param filter the pairs; not empty
   * @return the number removed
   */
  public int removeMatching(Map<String, String> filter) {
    Filter match = new Filter(filter);
    int removed = 0;
    // Backwards: the slot moved into a hole comes from the end, which was checked already.
    for (int slot = size - 1; slot >= 0; slot--) {
      if (match.test(metadata(slot))) {
        removeSlot(slot);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Counts the chunks that have all these metadata pairs.
   *
   * @param filter the pairs; empty for all
   * @return the count
   */
  public long count(Map<String, String> filter) {
    if (filter.isEmpty()) {
      return size;
    }
    Filter match = new Filter(filter);
    long count = 0;
    for (int slot = 0; slot < size; slot++) {
      if (match.test(metadata(slot))) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns the chunk with this id, with a copy of its unit vector.
   *
   * @param id the id
   * @return the chunk, or empty
   */
  public Optional<KnowledgeChunk> get(String id) {
    Integer slot = slots.get(id);
    return slot == null ? Optional.empty() : Optional.of(chunk(slot));
  }

  /**
   * Finds the {@code topK} chunks most similar to a unit vector: an exact scan with a bounded
   * min-heap of primitive arrays, the filter checked before the dot product.
   *
   * @param unitQuery the query, of length 1
   * @param topK the most hits, at least 1
   * @param minSimilarity the least similarity of a hit, less {@link
   *     SearchOptions#SIMILARITY_TOLERANCE} for rounding; {@code -Infinity} for none
   * @param filter the pairs a hit must have; empty for none
   * @return the hits, most similar first, equal similarities by id
   */
  public List<KnowledgeHit> search(
      float[] unitQuery, int topK, double minSimilarity, Map<String, String> filter) {
    int capacity = Math.min(topK, size);
    if (capacity == 0) {
      return List.of();
    }
    // Float dot products of unit vectors round: a vector's similarity with itself can come out as
    // 0.99999994, and minSimilarity(1.0) must still find it.
    double least = minSimilarity - SearchOptions.SIMILARITY_TOLERANCE;
    @Nullable Filter match = filter.isEmpty() ? null : new Filter(filter);
    TopK top = new TopK(capacity);
    float[] scores = new float[Math.min(BLOCK, size)];
    // The score a chunk needs to enter the heap: rises once the heap is full.
    float floor = Float.NEGATIVE_INFINITY;
    for (int from = 0; from < size; from += BLOCK) {
      int to = Math.min(size, from + BLOCK);
      if (match == null) {
        score(unitQuery, vectors, dimensions, from, to, scores);
      } else {
        scoreMatching(unitQuery, match, from, to, scores);
      }
      for (int slot = from; slot < to; slot++) {
        float score = scores[slot - from];
        // Written so that NaN, the mark of a chunk the filter left out, is skipped too.
        if (!(score >= floor && score >= least)) {
          continue;
        }
        if (top.offer(score, slot)) {
          floor = top.floor();
        }
      }
    }
    return top.hits();
  }

  /**
   * Scores a block of slots: the scan's hot loop, kept small and apart from the heap so that the
   * compiler gives the dot product its full attention.
   */
  private static void score(
      float[] query, float[] stored, int length, int from, int to, float[] scores) {
    for (int slot = from, offset = from * length; slot < to; slot++, offset += length) {
      scores[slot - from] = dot(query, stored, offset, length);
    }
  }

  /** Scores the slots of a block that pass the filter, checked first; NaN for the others. */
  private void scoreMatching(float[] query, Filter match, int from, int to, float[] scores) {
    for (int slot = from; slot < to; slot++) {
      scores[slot - from] =
          match.test(metadata(slot)) ? dot(query, vectors, slot * dimensions, dimensions) : Float.NaN;
    }
  }

  /**
   * Returns the dot product of {@code query} and the {@code length} floats of {@code stored} from
   * {@code offset}.
   *
   * <p>Eight independent sums: a single running sum makes every addition wait for the one before
   * (several cycles each), which leaves the loop far slower than reading the memory; with eight,
   * the processor overlaps them and the scan runs close to memory speed. Java may not reorder
   * float additions by itself, so the loop is unrolled by hand.
   *
   * @param query the query, at least {@code length} long
   * @param stored the stored vectors
   * @param offset where the stored vector starts
   * @param length the dimensions
   * @return the dot product
   */
  static float dot(float[] query, float[] stored, int offset, int length) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    int unrolled = length & ~7;
    for (; i < unrolled; i += 8) {
      int o = offset + i;
      s0 += query[i] * stored[o];
      s1 += query[i + 1] * stored[o + 1];
      s2 += query[i + 2] * stored[o + 2];
      s3 += query[i + 3] * stored[o + 3];
      s4 += query[i + 4] * stored[o + 4];
      s5 += query[i + 5] * stored[o + 5];
      s6 += query[i + 6] * stored[o + 6];
      s7 += query[i + 7] * stored[o + 7];
    }
    for (; i < length; i++) {
      s0 += query[i] * stored[offset + i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /**
   * Returns a vector scaled to length 1, computed in double so that large or tiny values neither
   * overflow nor vanish.
   *
   * @param vector the vector, finite values
   * @return a new unit vector, or null if the vector is zero or not finite
   */
  public static float @Nullable [] normalise(float[] vector) {
    double squares = 0;
    for (float value : vector) {
      squares += (double) value * value;
    }
    if (!(squares > 0) || Double.isInfinite(squares)) {
      return null;
    }
    double scale = 1 / Math.sqrt(squares);
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] * scale);
    }
    return unit;
  }

  /**
   * Returns the id in a slot, for writing the store to a file.
   *
   * @param slot from 0 to {@code size() - 1}
   * @return the id
   */
  public String id(int slot) {
    return stored(ids[slot]);
  }

  /**
   * Returns the text in a slot.
   *
   * @param slot from 0 to {@code size() - 1}
   * @return the text
   */
  public String text(int slot) {
    return stored(texts[slot]);
  }

  /**
   * Returns the metadata in a slot.
   *
   * @param slot from 0 to {@code size() - 1}
   * @return the metadata, immutable
   */
  @SuppressWarnings("unchecked")
  public Map<String, String> metadata(int slot) {
    return (Map<String, String>) stored(metadata[slot]);
  }

  /**
   * Puts the unit vector of a slot into a buffer.
   *
   * @param slot from 0 to {@code size() - 1}
   * @param target receives {@link #dimensions()} floats at its position
   */
  public void vector(int slot, FloatBuffer target) {
    target.put(vectors, slot * dimensions, dimensions);
  }

  /** Drops every chunk and the memory they took. */
  public void clear() {
    slots.clear();
    size = 0;
    vectors = new float[0];
    ids = new String[0];
    texts = new String[0];
    metadata = new Map<?, ?>[0];
  }

  private KnowledgeChunk chunk(int slot) {
    int offset = slot * dimensions;
    return new KnowledgeChunk(
        id(slot),
        text(slot),
        metadata(slot),
        Arrays.copyOfRange(vectors, offset, offset + dimensions));
  }

  private void removeSlot(int slot) {
    slots.remove(id(slot));
    int last = size - 1;
    if (slot != last) {
      String moved = id(last);
      ids[slot] = moved;
      texts[slot] = texts[last];
      metadata[slot] = metadata[last];
      System.arraycopy(vectors, last * dimensions, vectors, slot * dimensions, dimensions);
      slots.put(moved, slot);
    }
    ids[last] = null;
    texts[last] = null;
    metadata[last] = null;
    size = last;
    int capacity = ids.length;
    // Give memory back after large deletions, with room to grow again before the next resize.
    if (capacity > INITIAL_CAPACITY && size < capacity / 4) {
      resize(Math.max(INITIAL_CAPACITY, size * 2));
    }
  }

  private void resize(int capacity) {
    vectors = Arrays.copyOf(vectors, capacity * dimensions);
    ids = Arrays.copyOf(ids, capacity);
    texts = Arrays.copyOf(texts, capacity);
    metadata = Arrays.copyOf(metadata, capacity);
  }

  private static <T> T stored(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("empty slot below the size: the store is inconsistent");
    }
    return value;
  }

  /** A metadata filter as two arrays, so that checking a chunk allocates nothing. */
  private static final class Filter {
    private final String[] keys;
    private final String[] values;

    Filter(Map<String, String> pairs) {
      keys = new String[pairs.size()];
      values = new String[pairs.size()];
      int i = 0;
      for (Map.Entry<String, String> pair : pairs.entrySet()) {
        keys[i] = pair.getKey();
        values[i] = pair.getValue();
        i++;
      }
    }

    boolean test(Map<String, String> chunkMetadata) {
      for (int i = 0; i < keys.length; i++) {
        if (!values[i].equals(chunkMetadata.get(keys[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The best hits so far in a min-heap of primitive arrays: the root is the worst hit kept (the
   * lowest score; among equal scores, the greatest id), the one a better hit replaces.
   */
  private final class TopK {
    private final float[] scores;
    private final int[] heapSlots;
    private int count;

    TopK(int capacity) {
      scores = new float[capacity];
      heapSlots = new int[capacity];
    }

    /** Offers a hit whose score is at least the floor; returns true if the floor may have risen. */
    boolean offer(float score, int slot) {
      if (count < scores.length) {
        scores[count] = score;
        heapSlots[count] = slot;
        siftUp(count++);
        return count == scores.length;
      }
      // score >= scores[0] here: at equal scores, the lower id wins.
      if (score == scores[0] && id(slot).compareTo(id(heapSlots[0])) > 0) {
        return false;
      }
      scores[0] = score;
      heapSlots[0] = slot;
      siftDown(0, count);
      return true;
    }

    float floor() {
      return count < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    List<KnowledgeHit> hits() {
      KnowledgeHit[] ordered = new KnowledgeHit[count];
      // Take the worst out each time: it goes last.
      for (int n = count; n > 0; n--) {
        int slot = heapSlots[0];
        double similarity = Math.max(-1.0, Math.min(1.0, scores[0]));
        ordered[n - 1] = new KnowledgeHit(chunk(slot), similarity);
        scores[0] = scores[n - 1];
        heapSlots[0] = heapSlots[n - 1];
        siftDown(0, n - 1);
      }
      return List.of(ordered);
    }

    private boolean worse(int a, int b) {
      return scores[a] < scores[b]
          || (scores[a] == scores[b] && id(heapSlots[a]).compareTo(id(heapSlots[b])) > 0);
    }

    private void siftUp(int index) {
      int child = index;
      while (child > 0) {
        int parent = (child - 1) >>> 1;
        if (!worse(child, parent)) {
          return;
        }
        swap(child, parent);
        child = parent;
      }
    }

    private void siftDown(int index, int length) {
      int parent = index;
      while (true) {
        int child = 2 * parent + 1;
        if (child >= length) {
          return;
        }
        if (child + 1 < length && worse(child + 1, child)) {
          child++;
        }
        if (!worse(child, parent)) {
          return;
        }
        swap(child, parent);
        parent = child;
      }
    }

    private void swap(int a, int b) {
      float score = scores[a];
      scores[a] = scores[b];
      scores[b] = score;
      int slot = heapSlots[a];
      heapSlots[a] = heapSlots[b];
      heapSlots[b] = slot;
    }
  }
}
