package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import dev.openaiconnector.core.internal.DenseVectorStore;
import dev.openaiconnector.core.internal.KnowledgeBaseFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KnowledgeBase} in the JVM's memory: the embedded default, which needs nothing else.
 * Saved to and loaded from a file so that nothing is lost on restart.
 *
 * <pre>{@code
 * // Loads kb.bin if it exists; save() and close() write it back.
 * try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(Path.of("kb.bin"), 1536)) {
 *   Knowledge knowledge = Knowledge.builder().connector(ai).knowledgeBase(kb)
 *       .embeddingModel("text-embedding-3-small").build();
 *   knowledge.ingest(Document.of("handbook", text));
 *   kb.save();                     // now on disk, even if the JVM dies before close()
 * }
 * }</pre>
 *
 * <h2>Search</h2>
 *
 * <p>Vectors are normalised to length 1 when they are added and kept in one contiguous {@code
 * float[]}, so the cosine similarity is a dot product and a search reads the memory from start to
 * end. The search is exact: every chunk that passes the filter is scored (the filter is checked
 * first, so a narrow filter makes a search cheaper), and the best {@code topK} are kept in a
 * bounded heap. Its cost grows with the number of chunks times their dimensions; 100,000 chunks of
 * 1,536 dimensions are about 600 MB of floats, scanned at close to memory speed. Teams that
 * outgrow one JVM use the module {@code openai-connector-knowledge-pgvector}.
 *
 * <h2>Threads</h2>
 *
 * <p>Thread-safe: searches, {@link #get}, {@link #count} and saves run in parallel; writes
 * ({@link #upsert}, {@link #delete}, {@link #deleteMatching}) wait for them and run one at a time.
 * Each write is all-or-nothing: a batch is checked whole before anything changes.
 *
 * <h2>Files</h2>
 *
 * <p>{@link #save(Path)} writes a versioned binary file with a checksum: first to a temporary file
 * in the same directory, forced to the disk, then renamed over the target in one atomic step, so
 * the file always holds a complete save. {@link #load(Path)} reads one back and reports a missing,
 * truncated, corrupt or foreign file with an {@link UncheckedIOException} that names it. A
 * knowledge base made by {@link #open(Path, int)} is bound to its file: data reaches the disk only
 * when {@link #save()} or {@link #close()} runs (and only if something changed since the last
 * save), never in the background, so writes after the last save are lost if the JVM dies. Texts
 * are stored as UTF-8, exactly: {@link KnowledgeChunk} refuses the strings UTF-8 cannot hold. A
 * save that replaces a file keeps its POSIX permissions, where the file system has them; a new
 * file is readable by its owner only.
 */
public final class InMemoryKnowledgeBase implements KnowledgeBase {
  private final int dimensions;
  private final @Nullable Path file;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // Taken before the read or write lock by whatever writes the file, so that saves finish in the
  // order of their snapshots.
  private final ReentrantLock saving = new ReentrantLock();
  private final DenseVectorStore store;
  // Guarded by lock: changes counts writes; savedChanges is its value at the last save to file.
  private long changes;
  private long savedChanges;
  private boolean closed;

  private InMemoryKnowledgeBase(DenseVectorStore store, @Nullable Path file) {
    this.store = store;
    this.dimensions = store.dimensions();
    this.file = file;
  }

  /**
   * Creates an empty knowledge base that lives in memory only (until {@link #save(Path)}).
   *
   * @param dimensions the length of every vector, at least 1; 1536 for {@code
   *     text-embedding-3-small} and {@code text-embedding-ada-002}, 3072 for {@code
   *     text-embedding-3-large}, or the {@code dimensions} the embeddings are asked for
   * @return the knowledge base
   * @throws IllegalArgumentException if {@code dimensions} is less than 1
   */
  public static InMemoryKnowledgeBase create(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException(
          "dimensions must be at least 1, was " + dimensions + "; 1536 for text-embedding-3-small");
    }
    return new InMemoryKnowledgeBase(new DenseVectorStore(dimensions), null);
  }

  /**
   * Loads a knowledge base saved by {@link #save(Path)}. The result is not bound to the file:
   * {@link #close()} does not write it back (use {@link #open(Path, int)} for that).
   *
   * @param file the file
   * @return the knowledge base, with the file's dimensions
   * @throws UncheckedIOException naming the file, if it is missing, unreadable, truncated, corrupt,
   *     not a knowledge base file, or of a later format version
   */
  public static InMemoryKnowledgeBase load(Path file) {
    Objects.requireNonNull(file, "file");
    return new InMemoryKnowledgeBase(KnowledgeBaseFile.read(file), null);
  }

  /**
   * Opens a knowledge base bound to a file: loads it if the file exists, else starts empty; {@link
   * #save()} and {@link #close()} write it back. Nothing is written until then.
   *
   * @param file the file; its directory is created on the first save if missing
   * @param dimensions the length of every vector, at least 1; an existing file must have the same
   * @return the knowledge base
   * @throws IllegalArgumentException if {@code dimensions} is less than 1, or the file holds
   *     vectors of other dimensions
   * @throws UncheckedIOException naming the file, if it exists but cannot be loaded
   */
  public static InMemoryKnowledgeBase open(Path file, int dimensions) {
    Objects.requireNonNull(file, "file");
    if (dimensions < 1) {
      throw new IllegalArgumentException(
          "dimensions must be at least 1, was " + dimensions + "; 1536 for text-embedding-3-small");
    }
    Path bound = file.toAbsolutePath().normalize();
    if (!Files.exists(bound)) {
      return new InMemoryKnowledgeBase(new DenseVectorStore(dimensions), bound);
    }
    DenseVectorStore loaded = KnowledgeBaseFile.read(bound);
    if (loaded.dimensions() != dimensions) {
      throw new IllegalArgumentException(
          "the knowledge base file "
              + bound
              + " holds vectors of "
              + loaded.dimensions()
              + " dimensions, and "
              + dimensions
              + " were asked for; open it with "
              + loaded.dimensions()
              + ", or use another file for embeddings of "
              + dimensions
              + " dimensions");
    }
    return new InMemoryKnowledgeBase(loaded, bound);
  }

  /**
   * Returns the file this knowledge base is bound to.
   *
   * @return the path given to {@link #open(Path, int)}, made absolute, or empty if made by {@link
   *     #create(int)} or {@link #load(Path)}
   */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * Saves the knowledge base to its file: see {@link #open(Path, int)}. Searches go on meanwhile;
   * writes wait until the file is written.
   *
   * @throws IllegalStateException if the knowledge base has no file, or is closed
   * @throws UncheckedIOException naming the file, if it cannot be written; the file then keeps its
   *     previous content
   */
  public void save() {
    Path target = file;
    if (target == null) {
      throw new IllegalStateException(
          "this knowledge base is not bound to a file; call save(path), or make it with"
              + " InMemoryKnowledgeBase.open(path, dimensions)");
    }
    save(target);
  }

  /**
   * Saves the knowledge base to a file, replacing it atomically: the file holds either its previous
   * content or the whole of this save, never a part. Missing parent directories are created.
   * Searches go on meanwhile; writes wait until the file is written.
   *
   * @param target the file
   * @throws IllegalStateException if the knowledge base is closed
   * @throws UncheckedIOException naming the file, if it cannot be written; the file then keeps its
   *     previous content
   */
  public void save(Path target) {
    Objects.requireNonNull(target, "target");
    saving.lock();
    try {
      lock.readLock().lock();
      try {
        ensureOpen();
        KnowledgeBaseFile.write(store, target);
        if (target.toAbsolutePath().normalize().equals(file)) {
          // Only the save lock's holder writes savedChanges, and writers are kept out: a plain
          // write under the read lock is safe.
          savedChanges = changes;
        }
      } finally {
        lock.readLock().unlock();
      }
    } finally {
      saving.unlock();
    }
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public void upsert(List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(chunks, "chunks");
    if (chunks.isEmpty()) {
      return;
    }
    float[][] units = new float[chunks.size()][];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < chunks.size(); i++) {
      KnowledgeChunk chunk = Objects.requireNonNull(chunks.get(i), "chunks must not hold null");
      if (chunk.dimensions() != dimensions) {
        throw new IllegalArgumentException(
            "chunk '"
                + chunk.id()
                + "' has a vector of "
                + chunk.dimensions()
                + " dimensions, and this knowledge base holds vectors of "
                + dimensions
                + "; embed with the same model and dimensions as the knowledge base; nothing of"
                + " this batch was written");
      }
      float[] unit = DenseVectorStore.normalise(chunk.vector());
      if (unit == null) {
        throw new IllegalArgumentException(
            "chunk '"
                + chunk.id()
                + "' has a zero vector, which has no direction and so no cosine similarity;"
                + " nothing of this batch was written");
      }
      if (!seen.add(chunk.id())) {
        throw new IllegalArgumentException(
            "chunk id '"
                + chunk.id()
                + "' appears twice in one upsert; ids must be unique within a batch; nothing of"
                + " this batch was written");
      }
      units[i] = unit;
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      int added = 0;
      for (KnowledgeChunk chunk : chunks) {
        if (!store.contains(chunk.id())) {
          added++;
        }
      }
      // Grows the storage first: the puts below cannot fail half way.
      store.ensureCapacity(store.size() + added);
      for (int i = 0; i < units.length; i++) {
        KnowledgeChunk chunk = chunks.get(i);
        store.put(chunk.id(), chunk.text(), chunk.metadata(), units[i]);
      }
      changes++;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int delete(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    for (String id : ids) {
      Objects.requireNonNull(id, "ids must not hold null");
    }
    if (ids.isEmpty()) {
      return 0;
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      int deleted = 0;
      for (String id : ids) {
        if (store.remove(id)) {
          deleted++;
        }
      }
      if (deleted > 0) {
        changes++;
      }
      return deleted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int deleteMatching(Map<String, String> metadata) {
    Map<String, String> filter = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    if (filter.isEmpty()) {
      throw new IllegalArgumentException(
          "deleteMatching needs at least one metadata pair: with none it would delete every"
              + " chunk; delete by id, or make a new knowledge base");
    }
    lock.writeLock().lock();
    try {
      ensureOpen();
      int deleted = store.removeMatching(filter);
      if (deleted > 0) {
        changes++;
      }
      return deleted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<KnowledgeHit> search(float[] vector, SearchOptions options) {
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(options, "options");
    if (vector.length != dimensions) {
      throw new IllegalArgumentException(
          "the query vector has "
              + vector.length
              + " dimensions, and this knowledge base holds vectors of "
              + dimensions
              + "; embed the query with the same model and dimensions as the chunks");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "the query vector has a value that is not finite at index " + i);
      }
    }
    float[] unit = DenseVectorStore.normalise(vector);
    if (unit == null) {
      throw new IllegalArgumentException(
          "the query vector is zero: it has no direction and so no cosine similarity");
    }
    double minSimilarity = options.minSimilarity().orElse(Double.NEGATIVE_INFINITY);
    lock.readLock().lock();
    try {
      ensureOpen();
      return store.search(unit, options.topK(), minSimilarity, options.filter());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<KnowledgeChunk> get(String id) {
    Objects.requireNonNull(id, "id");
    lock.readLock().lock();
    try {
      ensureOpen();
      return store.get(id);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long count(Map<String, String> metadata) {
    Map<String, String> filter = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    lock.readLock().lock();
    try {
      ensureOpen();
      return store.count(filter);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Closes the knowledge base and frees its memory. One bound to a file ({@link #open(Path, int)})
   * first saves what changed since its last save; if that fails, the exception is thrown and the
   * knowledge base stays open, so that nothing is lost. Closing twice does nothing. Every other
   * method then throws {@link IllegalStateException}.
   *
   * @throws UncheckedIOException naming the file, if the final save fails
   */
  @Override
  public void close() {
    saving.lock();
    try {
      lock.writeLock().lock();
      try {
        if (closed) {
          return;
        }
        Path target = file;
        if (target != null && changes != savedChanges) {
          KnowledgeBaseFile.write(store, target);
          savedChanges = changes;
        }
        closed = true;
        store.clear();
      } finally {
        lock.writeLock().unlock();
      }
    } finally {
      saving.unlock();
    }
  }

  /** Names the dimensions, the number of chunks and the file; never a text. */
  @Override
  public String toString() {
    lock.readLock().lock();
    try {
      return "InMemoryKnowledgeBase[dimensions="
          + dimensions
          + ", chunks="
          + store.size()
          + (file == null ? "" : ", file=" + file)
          + (closed ? ", closed" : "")
          + "]";
    } finally {
      lock.readLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the knowledge base is closed");
    }
  }
}
