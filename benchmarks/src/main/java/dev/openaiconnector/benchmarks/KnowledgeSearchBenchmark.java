package dev.openaiconnector.benchmarks;

import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.SearchOptions;
import dev.openaiconnector.core.knowledge.InMemoryKnowledgeBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-10 search in the in-memory knowledge base over 100,000 vectors of 1,536 dimensions, next
 * to the floor: a plain loop that only reads the same number of floats from one array and sums
 * them. Search reads every stored float once (the scan is exact), so the loop is what memory
 * bandwidth allows; the ratio says how much the dot products, the heap and the locking add. Both
 * sides run in the same JVM, one iteration each in turn ({@link Side}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KnowledgeSearchBenchmark {
  static final int VECTORS = 100_000;
  static final int DIMENSIONS = 1536;

  private InMemoryKnowledgeBase knowledgeBase;
  private float[] floats;
  private float[] query;
  private final SearchOptions topTen = SearchOptions.topK(10);

  @Setup(Level.Trial)
  public void fill() {
    SplittableRandom random = new SplittableRandom(42);
    knowledgeBase = InMemoryKnowledgeBase.create(DIMENSIONS);
    List<KnowledgeChunk> batch = new ArrayList<>(1000);
    for (int i = 0; i < VECTORS; i++) {
      float[] vector = new float[DIMENSIONS];
      for (int d = 0; d < DIMENSIONS; d++) {
        vector[d] = (float) (random.nextDouble() * 2 - 1);
      }
      batch.add(new KnowledgeChunk("doc-" + i, "chunk " + i, Map.of(), vector));
      if (batch.size() == 1000) {
        knowledgeBase.upsert(batch);
        batch.clear();
      }
    }
    floats = new float[VECTORS * DIMENSIONS];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) (random.nextDouble() * 2 - 1);
    }
    query = new float[DIMENSIONS];
    for (int d = 0; d < DIMENSIONS; d++) {
      query[d] = (float) (random.nextDouble() * 2 - 1);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    knowledgeBase.close();
  }

  /**
   * One search by the library, or the floor, as {@code side} says.
   *
   * @param side the side of this iteration
   * @return the hits, or the floor's sum
   */
  @Benchmark
  public Object search(Side side) {
    return side.library ? knowledgeBase.search(query, topTen) : readAll();
  }

  // The floor: reads the same 153.6 million floats once and sums them.
  private float readAll() {
    float[] values = floats;
    float a = 0;
    float b = 0;
    float c = 0;
    float d = 0;
    int i = 0;
    for (; i + 3 < values.length; i += 4) {
      a += values[i];
      b += values[i + 1];
      c += values[i + 2];
      d += values[i + 3];
    }
    for (; i < values.length; i++) {
      a += values[i];
    }
    return a + b + c + d;
  }
}
