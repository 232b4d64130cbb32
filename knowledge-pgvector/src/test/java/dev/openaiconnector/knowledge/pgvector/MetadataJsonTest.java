package dev.openaiconnector.knowledge.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {
  @Test
  void writesASortedObjectWithEscapes() {
    assertThat(MetadataJson.write(Map.of("b", "it's \"x\"\\", "a", "line\nnext\ttab\u0001")))
        .isEqualTo("{\"a\":\"line\\nnext\\ttab\\u0001\",\"b\":\"it's \\\"x\\\"\\\\\"}");
    assertThat(MetadataJson.write(Map.of())).isEqualTo("{}");
  }

  @Test
  void readsWhatItWroteAndWhatPostgresqlPrints() {
    Map<String, String> metadata =
        Map.of("key with spaces", "it's \"x\"", "json", "{\"a\": [1]}", "empty", "",
            "unicode", "\u00e9 \u4e2d \ud83d\ude00", "controls", "\b\f\n\r\t\u001f/");
    assertThat(MetadataJson.read(MetadataJson.write(metadata))).isEqualTo(metadata);
    assertThat(MetadataJson.read("{\"a\": \"b\\u0001\\n\\\"\u00e9\", \"c\": \"\\ud83d\\ude00\\/\"}"))
        .isEqualTo(Map.of("a", "b\u0001\n\"\u00e9", "c", "\ud83d\ude00/"));
    assertThat(MetadataJson.read(" { } ")).isEmpty();
  }

  @Test
  void rejectsAnythingButAFlatObjectOfStrings() {
    for (String json : new String[] {"", "[]", "{\"a\": 1}", "{\"a\": \"b\"", "{\"a\" \"b\"}",
        "{\"a\": \"b\"} x", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12\"}", "{\"a\": null}"}) {
      assertThatThrownBy(() -> MetadataJson.read(json))
          .as(json)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a JSON object of strings");
    }
  }
}
