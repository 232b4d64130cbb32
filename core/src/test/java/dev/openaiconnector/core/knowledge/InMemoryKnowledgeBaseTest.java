package dev.openaiconnector.core.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import dev.openaiconnector.testkit.KnowledgeBaseContract;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract, plus what is particular to the in-memory knowledge base. */
class InMemoryKnowledgeBaseTest extends KnowledgeBaseContract {

  @Override
  protected KnowledgeBase createKnowledgeBase(int dimensions) {
    return InMemoryKnowledgeBase.create(dimensions);
  }

  @Test
  void matchesABruteForceSearchAfterManyUpsertsAndDeletes() {
    int dimensions = 13; // not a multiple of the eight sums of the dot product
    Random random = new Random(5);
    Map<String, float[]> expected = new HashMap<>();
    Map<String, String> groups = new HashMap<>();
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(dimensions)) {
      for (int round = 0; round < 60; round++) {
        List<KnowledgeChunk> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String id = "c" + random.nextInt(500);
          if (batch.stream().anyMatch(chunk -> chunk.id().equals(id))) {
            continue;
          }
          float[] vector = gaussian(random, dimensions);
          String group = "g" + random.nextInt(3);
          batch.add(new KnowledgeChunk(id, "text " + id, Map.of("group", group), vector));
          expected.put(id, vector);
          groups.put(id, group);
        }
        kb.upsert(batch);
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          doomed.add("c" + random.nextInt(500));
        }
        int deleted = kb.delete(doomed);
        int present = 0;
        for (String id : doomed.stream().distinct().toList()) {
          if (expected.remove(id) != null) {
            groups.remove(id);
            present++;
          }
        }
        assertThat(deleted).isEqualTo(present);
        assertThat(kb.count(Map.of())).isEqualTo(expected.size());

        float[] query = gaussian(random, dimensions);
        SearchOptions options = SearchOptions.builder().topK(7).filter("group", "g1").build();
        List<String> found = kb.search(query, options).stream().map(hit -> hit.chunk().id()).toList();
        List<String> brute =
            expected.entrySet().stream()
                .filter(entry -> groups.get(entry.getKey()).equals("g1"))
                .sorted(
                    Comparator.comparingDouble(
                            (Map.Entry<String, float[]> entry) -> -cosine(query, entry.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(7)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(found).isEqualTo(brute);
        assertThat(kb.count(Map.of("group", "g1")))
            .isEqualTo(groups.values().stream().filter("g1"::equals).count());
      }
      // Deleting most chunks gives the memory back and keeps everything else right.
      assertThat(kb.deleteMatching(Map.of("group", "g0"))).isPositive();
      assertThat(kb.deleteMatching(Map.of("group", "g2"))).isPositive();
      List<KnowledgeHit> rest = kb.search(gaussian(random, dimensions), SearchOptions.topK(1000));
      assertThat(rest).hasSize((int) groups.values().stream().filter("g1"::equals).count());
    }
  }

  @Test
  void hitsAndReadsDoNotShareTheStoredVectors() {
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(2)) {
      float[] vector = {3, 4};
      kb.upsert(List.of(new KnowledgeChunk("a", "text", Map.of(), vector)));
      vector[0] = -100; // the caller's array is not the stored one

      KnowledgeHit hit = kb.search(new float[] {3, 4}, SearchOptions.topK(1)).get(0);
      hit.chunk().vector()[1] = 99;
      kb.get("a").orElseThrow().vector()[0] = 42;

      assertThat(kb.get("a").orElseThrow().vector()).containsExactly(0.6f, 0.8f);
      assertThat(kb.search(new float[] {3, 4}, SearchOptions.topK(1)).get(0).similarity())
          .isEqualTo(1.0);
    }
  }

  @Test
  void rejectsAQueryThatIsNotFiniteNamingTheIndex() {
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(3)) {
      assertThatThrownBy(() -> kb.search(new float[] {1, 0, Float.POSITIVE_INFINITY}, SearchOptions.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not finite at index 2");
    }
  }

  @Test
  void isUnusableAfterCloseAndNamesNoTextInToString() {
    InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(2);
    kb.upsert(List.of(new KnowledgeChunk("a", "a secret text", Map.of(), new float[] {1, 0})));

    assertThat(kb.toString())
        .isEqualTo("InMemoryKnowledgeBase[dimensions=2, chunks=1]")
        .doesNotContain("secret");
    kb.close();
    kb.close();

    assertThatThrownBy(() -> kb.count(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> kb.search(new float[] {1, 0}, SearchOptions.defaults()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> kb.upsert(List.of(new KnowledgeChunk("b", "", Map.of(), new float[] {1, 0}))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsBadArgumentsClearly() {
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(2)) {
      assertThatThrownBy(() -> InMemoryKnowledgeBase.create(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dimensions");
      assertThatThrownBy(() -> kb.search(new float[] {1, Float.NaN}, SearchOptions.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("index 1");
      assertThatThrownBy(() -> kb.save())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("save(path)");
      assertThat(kb.file()).isEmpty();
    }
  }

  static float[] gaussian(Random random, int dimensions) {
    float[] vector = new float[dimensions];
    for (int d = 0; d < dimensions; d++) {
      vector[d] = (float) random.nextGaussian();
    }
    return vector;
  }
}
