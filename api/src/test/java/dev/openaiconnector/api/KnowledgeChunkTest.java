package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnowledgeChunkTest {
  private static final float[] VECTOR = {1, 0};

  @Test
  void keepsTextWithValidSurrogatePairs() {
    String text = "smile \ud83d\ude00 and \u4e2d\u6587";

    KnowledgeChunk chunk = new KnowledgeChunk("emoji\ud83d\ude00", text, Map.of("k\ud83d\ude00", text), VECTOR);

    assertThat(chunk.text()).isEqualTo(text);
    assertThat(chunk.metadata()).containsEntry("k\ud83d\ude00", text);
  }

  @Test
  void rejectsNulInTheTextNamingTheChunkAndTheField() {
    assertThatThrownBy(() -> new KnowledgeChunk("doc#3", "a\u0000b", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text")
        .hasMessageContaining("doc#3")
        .hasMessageContaining("U+0000")
        .hasMessageContaining("index 1");
  }

  @Test
  void rejectsUnpairedSurrogatesInTheText() {
    assertThatThrownBy(() -> new KnowledgeChunk("lone-high", "ab\ud83d", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text of chunk 'lone-high'")
        .hasMessageContaining("U+D83D");
    assertThatThrownBy(() -> new KnowledgeChunk("lone-low", "\ude00ab", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone-low")
        .hasMessageContaining("U+DE00");
    assertThatThrownBy(() -> new KnowledgeChunk("reversed", "\ude00\ud83d", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 0");
  }

  @Test
  void rejectsUnstorableIdsAndShowsThemEscaped() {
    // Written as UTF-8 both ids would become "a?": they must not be stored.
    assertThatThrownBy(() -> new KnowledgeChunk("a\ud800", "text", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id of chunk 'a\\uD800'");
    assertThatThrownBy(() -> new KnowledgeChunk("a\u0000", "text", Map.of(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id of chunk 'a\\u0000'");
  }

  @Test
  void rejectsUnstorableMetadataKeysAndValues() {
    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", Map.of("k\u0000", "v"), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata key 'k\\u0000' of chunk 'c'");
    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", Map.of("source", "x\udc00"), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata value of key 'source' of chunk 'c'")
        .hasMessageContaining("U+DC00");
  }

  @Test
  void rejectsNullMetadataKeysAndValuesNamingThem() {
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("lang", null);

    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", nullKey, VECTOR))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("chunk 'c'")
        .hasMessageContaining("null key");
    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", nullValue, VECTOR))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("chunk 'c'")
        .hasMessageContaining("null value for key 'lang'");
  }

  @Test
  void indexOfUnstorableFindsTheFirstBadCharacter() {
    assertThat(KnowledgeChunk.indexOfUnstorable("")).isEqualTo(-1);
    assertThat(KnowledgeChunk.indexOfUnstorable("plain \ud83d\ude00 text")).isEqualTo(-1);
    assertThat(KnowledgeChunk.indexOfUnstorable("ab\u0000")).isEqualTo(2);
    assertThat(KnowledgeChunk.indexOfUnstorable("\ud83d\ude00\ud83d")).isEqualTo(2);
    assertThat(KnowledgeChunk.indexOfUnstorable("x\ude00\ud83d")).isEqualTo(1);
    assertThat(KnowledgeChunk.indexOfUnstorable("\ud83dx")).isEqualTo(0);
  }

  @Test
  void rejectsAVectorThatIsEmptyOrNotFinite() {
    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", Map.of(), new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> new KnowledgeChunk("c", "text", Map.of(), new float[] {1, Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
  }
}
