package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KnowledgeBase} keeps, as tests. Extend it with a factory for a fresh,
 * empty knowledge base of yours; each test makes the ones it needs and this class closes them.
 *
 * <pre>{@code
 * class MyKnowledgeBaseTest extends KnowledgeBaseContract {
 *   @Override
 *   protected KnowledgeBase createKnowledgeBase(int dimensions) {
 *     return MyKnowledgeBase.create(dimensions);
 *   }
 * }
 * }</pre>
 */
public abstract class KnowledgeBaseContract {
  /** How far a similarity may be from the exact one: float vectors, double arithmetic. */
  private static final double TOLERANCE = 1e-5;

  private final List<KnowledgeBase> opened = new ArrayList<>();

  /** Creates the contract; subclasses supply {@link #createKnowledgeBase(int)}. */
  protected KnowledgeBaseContract() {}

  /**
   * Creates a fresh, empty knowledge base that no other test uses.
   *
   * @param dimensions the number of dimensions of its vectors
   * @return the knowledge base; the contract closes it after the test
   * @throws Exception if it cannot be created
   */
  protected abstract KnowledgeBase createKnowledgeBase(int dimensions) throws Exception;

  private KnowledgeBase knowledgeBase(int dimensions) throws Exception {
    KnowledgeBase knowledgeBase = createKnowledgeBase(dimensions);
    opened.add(knowledgeBase);
    assertThat(knowledgeBase.dimensions()).as("dimensions()").isEqualTo(dimensions);
    assertThat(knowledgeBase.count(Map.of())).as("a new knowledge base is empty").isZero();
    return knowledgeBase;
  }

  @AfterEach
  void closeKnowledgeBases() {
    opened.forEach(KnowledgeBase::close);
    opened.clear();
  }

  private static KnowledgeChunk chunk(String id, Map<String, String> metadata, float... vector) {
    return new KnowledgeChunk(id, "text of " + id, metadata, vector);
  }

  private static KnowledgeChunk chunk(String id, float... vector) {
    return chunk(id, Map.of(), vector);
  }

  private static List<String> ids(List<KnowledgeHit> hits) {
    return hits.stream().map(hit -> hit.chunk().id()).toList();
  }

  @Test
  void storesAndReadsBackAChunk() throws Exception {
    KnowledgeBase kb = knowledgeBase(3);
    Map<String, String> metadata = Map.of("source", "handbook.md", "lang", "en");
    kb.upsert(List.of(new KnowledgeChunk("handbook#0", "Holidays: 25 days.", metadata,
        new float[] {3, 0, 4})));

    KnowledgeChunk read = kb.get("handbook#0").orElseThrow();
    assertThat(read.id()).isEqualTo("handbook#0");
    assertThat(read.text()).isEqualTo("Holidays: 25 days.");
    assertThat(read.metadata()).isEqualTo(metadata);
    assertThat(cosine(read.vector(), new float[] {3, 0, 4})).isCloseTo(1.0, within(TOLERANCE));
    assertThat(kb.get("handbook#1")).isEmpty();
    assertThat(kb.count(Map.of())).isEqualTo(1);
  }

  @Test
  void keepsTextAndMetadataThatLookLikeCodeOrQueries() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    String text = "It's \"quoted\", \\escaped\\, 'sql'; DROP TABLE x; -- \u00e9\u00e8 \u4e2d\u6587 \ud83d\ude00\n\ttab";
    Map<String, String> metadata =
        Map.of("key with spaces", "it's \"x\"", "json", "{\"a\": [1]}", "empty", "");
    kb.upsert(List.of(new KnowledgeChunk("id'; --", text, metadata, new float[] {1, 2})));

    KnowledgeChunk read = kb.get("id'; --").orElseThrow();
    assertThat(read.text()).isEqualTo(text);
    assertThat(read.metadata()).isEqualTo(metadata);
    assertThat(kb.count(Map.of("json", "{\"a\": [1]}"))).isEqualTo(1);
    assertThat(kb.count(Map.of("empty", ""))).isEqualTo(1);
  }

  @Test
  void upsertReplacesTheChunkWithTheSameId() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(chunk("a", Map.of("v", "1"), 1, 0), chunk("b", 0, 1)));
    kb.upsert(List.of(new KnowledgeChunk("a", "new text", Map.of("v", "2"), new float[] {0, 1})));

    assertThat(kb.count(Map.of())).isEqualTo(2);
    KnowledgeChunk a = kb.get("a").orElseThrow();
    assertThat(a.text()).isEqualTo("new text");
    assertThat(a.metadata()).isEqualTo(Map.of("v", "2"));
    assertThat(kb.count(Map.of("v", "1"))).isZero();
    assertThat(kb.search(new float[] {0, 1}, SearchOptions.topK(2)))
        .allSatisfy(hit -> assertThat(hit.similarity()).isCloseTo(1.0, within(TOLERANCE)));
  }

  @Test
  void rejectsAChunkOfOtherDimensionsAndWritesNothingOfItsBatch() throws Exception {
    KnowledgeBase kb = knowledgeBase(3);
    List<KnowledgeChunk> batch = List.of(chunk("good", 1, 2, 3), chunk("short", 1, 2));

    assertThatThrownBy(() -> kb.upsert(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("short")
        .hasMessageContaining("3");
    assertThat(kb.count(Map.of())).isZero();
    assertThat(kb.get("good")).isEmpty();
  }

  @Test
  void rejectsAZeroVectorAndDuplicateIdsInABatch() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);

    assertThatThrownBy(() -> kb.upsert(List.of(chunk("ok", 1, 1), chunk("zero", 0, 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero");
    assertThatThrownBy(() -> kb.upsert(List.of(chunk("twice", 1, 1), chunk("twice", 1, 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThat(kb.count(Map.of())).isZero();
  }

  @Test
  void upsertOfNothingChangesNothing() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of());
    assertThat(kb.count(Map.of())).isZero();
  }

  @Test
  void searchesAnEmptyKnowledgeBase() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    assertThat(kb.search(new float[] {1, 0}, SearchOptions.defaults())).isEmpty();
  }

  @Test
  void findsTheMostSimilarFirstWithCosineSimilarity() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    // Lengths differ on purpose: only the direction counts.
    kb.upsert(List.of(
        chunk("east", 10, 0),
        chunk("north-east", 1, 1),
        chunk("north", 0, 0.5f),
        chunk("west", -3, 0),
        chunk("south-east", 2, -2)));

    List<KnowledgeHit> hits = kb.search(new float[] {5, 0}, SearchOptions.topK(5));

    assertThat(ids(hits)).containsExactly("east", "north-east", "south-east", "north", "west");
    double diagonal = Math.sqrt(0.5);
    assertThat(hits.stream().map(KnowledgeHit::similarity).toList())
        .usingElementComparator((x, y) -> Math.abs(x - y) < TOLERANCE ? 0 : Double.compare(x, y))
        .containsExactly(1.0, diagonal, diagonal, 0.0, -1.0);
    assertThat(hits.get(0).chunk().text()).isEqualTo("text of east");
  }

  @Test
  void ordersEqualSimilaritiesByChunkId() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(chunk("c", 1, 0), chunk("a", 2, 0), chunk("d", 0, 1), chunk("b", 3, 0)));

    assertThat(ids(kb.search(new float[] {1, 0}, SearchOptions.topK(4))))
        .containsExactly("a", "b", "c", "d");
    assertThat(ids(kb.search(new float[] {1, 0}, SearchOptions.topK(2))))
        .containsExactly("a", "b");
  }

  @Test
  void returnsAtMostTopK() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    List<KnowledgeChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      double angle = i * Math.PI / 40; // 0 to 90 degrees: the lower i, the more similar
      chunks.add(chunk(String.format("c%02d", i), (float) Math.cos(angle), (float) Math.sin(angle)));
    }
    Collections.shuffle(chunks, new Random(7));
    kb.upsert(chunks);

    assertThat(ids(kb.search(new float[] {1, 0}, SearchOptions.topK(3))))
        .containsExactly("c00", "c01", "c02");
    assertThat(kb.search(new float[] {1, 0}, SearchOptions.topK(50))).hasSize(20);
  }

  @Test
  void leavesOutChunksBelowTheMinimumSimilarity() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(chunk("close", 0.8f, 0.6f), chunk("far", 0.6f, 0.8f), chunk("same", 1, 0)));

    SearchOptions options = SearchOptions.builder().topK(10).minSimilarity(0.7).build();
    assertThat(ids(kb.search(new float[] {1, 0}, options))).containsExactly("same", "close");
    SearchOptions strict = options.toBuilder().minSimilarity(1.0 - TOLERANCE).build();
    assertThat(ids(kb.search(new float[] {1, 0}, strict))).containsExactly("same");
  }

  @Test
  void aFilterMatchesChunksThatHaveEveryPair() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(
        chunk("en-hr", Map.of("lang", "en", "team", "hr"), 1, 0),
        chunk("en-it", Map.of("lang", "en", "team", "it"), 1, 0.1f),
        chunk("de-hr", Map.of("lang", "de", "team", "hr"), 1, 0.2f),
        chunk("none", Map.of(), 1, 0)));

    SearchOptions english = SearchOptions.builder().topK(10).filter("lang", "en").build();
    assertThat(ids(kb.search(new float[] {1, 0}, english))).containsExactly("en-hr", "en-it");
    SearchOptions englishHr = english.toBuilder().filter("team", "hr").build();
    assertThat(ids(kb.search(new float[] {1, 0}, englishHr))).containsExactly("en-hr");
    SearchOptions nothing = english.toBuilder().filter("team", "sales").build();
    assertThat(kb.search(new float[] {1, 0}, nothing)).isEmpty();
    assertThat(kb.count(Map.of("team", "hr"))).isEqualTo(2);
    assertThat(kb.count(Map.of("lang", "en", "team", "hr"))).isEqualTo(1);
  }

  @Test
  void aFilteredSearchStillFindsTopKAmongManyOtherChunks() throws Exception {
    KnowledgeBase kb = knowledgeBase(8);
    Random random = new Random(11);
    List<KnowledgeChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      float[] vector = new float[8];
      for (int d = 0; d < 8; d++) {
        vector[d] = (float) random.nextGaussian();
      }
      chunks.add(chunk("c" + i, Map.of("group", i % 100 == 0 ? "rare" : "common"), vector));
    }
    kb.upsert(chunks);

    SearchOptions rare = SearchOptions.builder().topK(10).filter("group", "rare").build();
    List<KnowledgeHit> hits = kb.search(chunks.get(5).vector(), rare);

    assertThat(hits).hasSize(10);
    assertThat(hits).allSatisfy(hit -> assertThat(hit.chunk().metadata()).containsEntry("group", "rare"));
    assertSortedBySimilarity(hits);
  }

  @Test
  void deletesByIdAndCountsOnlyWhatWasStored() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(chunk("a", 1, 0), chunk("b", 0, 1), chunk("c", 1, 1)));

    assertThat(kb.delete(List.of("a", "c", "missing"))).isEqualTo(2);
    assertThat(kb.delete(List.of())).isZero();
    assertThat(kb.get("a")).isEmpty();
    assertThat(ids(kb.search(new float[] {1, 0}, SearchOptions.topK(5)))).containsExactly("b");
  }

  @Test
  void deletesByMetadataWhenEveryPairMatches() throws Exception {
    KnowledgeBase kb = knowledgeBase(2);
    kb.upsert(List.of(
        chunk("a", Map.of("source", "x", "v", "1"), 1, 0),
        chunk("b", Map.of("source", "x", "v", "2"), 1, 0),
        chunk("c", Map.of("source", "y", "v", "1"), 1, 0)));

    assertThat(kb.deleteMatching(Map.of("source", "x", "v", "1"))).isEqualTo(1);
    assertThat(kb.deleteMatching(Map.of("source", "x"))).isEqualTo(1);
    assertThat(kb.deleteMatching(Map.of("source", "none"))).isZero();
    assertThat(ids(kb.search(new float[] {1, 0}, SearchOptions.topK(5)))).containsExactly("c");
    assertThatThrownBy(() -> kb.deleteMatching(Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(kb.count(Map.of())).isEqualTo(1);
  }

  @Test
  void rejectsAQueryOfOtherDimensionsOrZero() throws Exception {
    KnowledgeBase kb = knowledgeBase(3);
    kb.upsert(List.of(chunk("a", 1, 0, 0)));

    assertThatThrownBy(() -> kb.search(new float[] {1, 0}, SearchOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3");
    assertThatThrownBy(() -> kb.search(new float[3], SearchOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAQueryVectorThatIsNotFinite() throws Exception {
    KnowledgeBase kb = knowledgeBase(3);
    kb.upsert(List.of(chunk("a", 1, 0, 0)));

    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> kb.search(new float[] {1, bad, 0}, SearchOptions.defaults()))
          .as("a query with %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aMinimumSimilarityOfOneFindsAnIdenticalVectorDespiteRounding() throws Exception {
    KnowledgeBase kb = knowledgeBase(1536);
    Random random = new Random(1);
    List<KnowledgeChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      float[] vector = new float[1536];
      for (int d = 0; d < vector.length; d++) {
        vector[d] = (float) random.nextGaussian();
      }
      chunks.add(chunk("c" + i, vector));
    }
    kb.upsert(chunks);
    SearchOptions exact = SearchOptions.builder().topK(5).minSimilarity(1.0).build();

    // In float arithmetic the similarity of a vector with itself is often 0.99999994, not 1:
    // SearchOptions.SIMILARITY_TOLERANCE is what makes 1.0 mean "identical".
    for (KnowledgeChunk chunk : chunks) {
      List<KnowledgeHit> hits = kb.search(chunk.vector(), exact);
      assertThat(ids(hits)).as("minSimilarity(1.0) with %s", chunk.id()).containsExactly(chunk.id());
      assertThat(hits.get(0).similarity())
          .isGreaterThanOrEqualTo(1.0 - SearchOptions.SIMILARITY_TOLERANCE);
    }
  }

  @Test
  void searchesRealisticEmbeddings() throws Exception {
    int dimensions = 1536;
    KnowledgeBase kb = knowledgeBase(dimensions);
    Random random = new Random(3);
    List<KnowledgeChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] vector = new float[dimensions];
      for (int d = 0; d < dimensions; d++) {
        vector[d] = (float) random.nextGaussian();
      }
      chunks.add(chunk("doc-" + i, vector));
    }
    kb.upsert(chunks);
    float[] query = chunks.get(42).vector().clone();
    query[0] += 0.5f; // near doc-42, not equal to it

    List<KnowledgeHit> hits = kb.search(query, SearchOptions.topK(10));

    assertThat(hits).hasSize(10);
    assertThat(hits.get(0).chunk().id()).isEqualTo("doc-42");
    assertThat(hits.get(0).similarity())
        .isCloseTo(cosine(query, chunks.get(42).vector()), within(TOLERANCE));
    assertSortedBySimilarity(hits);
  }

  @Test
  void concurrentWritersAndReadersSeeConsistentResults() throws Exception {
    KnowledgeBase kb = knowledgeBase(4);
    int writers = 4;
    int batchesPerWriter = 20;
    int batchSize = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> writerTasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writerTasks.add(pool.submit(() -> {
          start.await();
          for (int b = 0; b < batchesPerWriter; b++) {
            List<KnowledgeChunk> batch = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
              int n = b * batchSize + i;
              batch.add(chunk("w" + writer + "-" + n, Map.of("writer", "w" + writer),
                  1 + writer, n % 7, 1, (float) n / 100));
            }
            kb.upsert(batch);
          }
          return null;
        }));
      }
      List<Future<?>> readerTasks = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        readerTasks.add(pool.submit(() -> {
          start.await();
          long lastCount = 0;
          while (writing.get()) {
            try {
              List<KnowledgeHit> hits = kb.search(new float[] {1, 2, 1, 0.5f}, SearchOptions.topK(7));
              assertThat(hits.size()).isLessThanOrEqualTo(7);
              assertSortedBySimilarity(hits);
              long count = kb.count(Map.of("writer", "w1"));
              assertThat(count % batchSize)
                  .as("a batch is written whole: w1's count %d is a multiple of %d", count, batchSize)
                  .isZero();
              assertThat(count)
                  .as("writers only add: the count never goes down")
                  .isGreaterThanOrEqualTo(lastCount);
              lastCount = count;
            } catch (Throwable failure) {
              failures.add(failure);
              return null;
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> task : writerTasks) {
        task.get(2, TimeUnit.MINUTES);
      }
      writing.set(false);
      for (Future<?> task : readerTasks) {
        task.get(2, TimeUnit.MINUTES);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(kb.count(Map.of())).isEqualTo((long) writers * batchesPerWriter * batchSize);
    assertThat(kb.count(Map.of("writer", "w2"))).isEqualTo((long) batchesPerWriter * batchSize);
    assertThat(kb.search(new float[] {1, 2, 1, 0.5f}, SearchOptions.topK(7))).hasSize(7);
  }

  private static void assertSortedBySimilarity(List<KnowledgeHit> hits) {
    for (int i = 1; i < hits.size(); i++) {
      KnowledgeHit before = hits.get(i - 1);
      KnowledgeHit after = hits.get(i);
      assertThat(before.similarity())
          .as("hit %d is at least as similar as hit %d", i - 1, i)
          .isGreaterThanOrEqualTo(after.similarity() - TOLERANCE);
    }
  }

  /**
   * Returns the cosine similarity of two vectors, computed in {@code double}: the reference the
   * contract checks against, for the tests a subclass adds of its own.
   *
   * @param a a vector
   * @param b a vector of the same length
   * @return the cosine similarity, from -1 to 1
   */
  protected static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      normA += (double) a[i] * a[i];
      normB += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(normA * normB);
  }
}
