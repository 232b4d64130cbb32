package dev.openaiconnector.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void parsesEveryKindOfValue() {
    Object value =
        Json.parse(
            " {\"s\":\"x\",\"i\":-12,\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,"
                + "\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");

    assertThat(value).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) value;
    assertThat(map.keySet().toArray()).containsExactly("s", "i", "d", "t", "f", "n", "a", "o");
    assertThat(map.get("s")).isEqualTo("x");
    assertThat(map.get("i")).isEqualTo(new BigDecimal("-12"));
    assertThat(map.get("d")).isEqualTo(new BigDecimal("1.5e2"));
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("f")).isEqualTo(false);
    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.get("n")).isNull();
    assertThat(((List<?>) map.get("a")).toArray())
        .containsExactly(BigDecimal.ONE, List.of(), Map.of());
    assertThat(map.get("o")).isEqualTo(Map.of("k", "v"));
  }

  @Test
  void parsesTopLevelScalars() {
    assertThat(Json.parse("\"a\"")).isEqualTo("a");
    assertThat(Json.parse("0")).isEqualTo(BigDecimal.ZERO);
    assertThat(Json.parse("null")).isNull();
  }

  @Test
  void decodesEscapesIncludingSurrogatePairs() {
    assertThat(Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""))
        .isEqualTo("\"\\/\b\f\n\r\té\uD83D\uDE00");
  }

  @Test
  void keepsNonAsciiTextAsIs() {
    assertThat(Json.parse("\"Grüße 😀 日本\"")).isEqualTo("Grüße 😀 日本");
  }

  @Test
  void returnsUnmodifiableCollections() {
    Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\":[1]}");

    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(((List<?>) map.get("a"))::clear)
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1}x",
        "{\"a\":1,\"a\":2}",
        "\"tab\there\"",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "tru",
        "nul",
        "NaN",
        "'single'"
      })
  void rejectsInvalidJson(String text) {
    assertThatThrownBy(() -> Json.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid JSON at offset ");
  }

  @Test
  void namesTheDuplicateKeyAndItsOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}"))
        .hasMessage("Invalid JSON at offset 7: duplicate key \"a\"");
  }

  @Test
  void rejectsNestingTooDeepInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);

    assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper than");
  }

  @Test
  void writesEveryKindOfValue() {
    Map<String, Object> map =
        Json.object(
            "s",
            "x",
            "i",
            3,
            "l",
            5_000_000_000L,
            "d",
            1.5,
            "w",
            2.0,
            "b",
            new BigDecimal("1e3"),
            "t",
            true,
            "n",
            null,
            "a",
            Arrays.asList(1, null),
            "o",
            Json.object());

    assertThat(Json.write(map))
        .isEqualTo(
            "{\"s\":\"x\",\"i\":3,\"l\":5000000000,\"d\":1.5,\"w\":2,\"b\":1E+3,\"t\":true,"
                + "\"n\":null,\"a\":[1,null],\"o\":{}}");
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.write("a\"b\\c\nd\re\tf\bg\fh\u0000i\u001fj\u007f"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000i\\u001fj\u007f\"");
  }

  @Test
  void writesUnicodeAsIsButEscapesLoneSurrogatesAndLineSeparators() {
    assertThat(Json.write("é😀")).isEqualTo("\"é😀\"");
    assertThat(Json.write("a\uD83Db\uDE00")).isEqualTo("\"a\\ud83db\\ude00\"");
    assertThat(Json.write("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
  }

  @Test
  void roundTripsWhatItWrites() {
    String tricky = "quote\" slash\\ nl\n nul\u0000 emoji😀 lone\uD800 sep\u2028";
    Map<String, Object> value =
        Json.object("text", tricky, "list", List.of("a", new BigDecimal("-0.25")), "none", null);

    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  @Test
  void rejectsWhatJsonCannotHold() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(Map.of(1, "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.object("odd")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsWholeNumbersAsInts() {
    assertThat(Json.intValue(new BigDecimal("42"))).isEqualTo(42);
    assertThat(Json.intValue(new BigDecimal("4.2e1"))).isEqualTo(42);
    assertThat(Json.intValue(new BigDecimal("4.5"))).isNull();
    assertThat(Json.intValue(new BigDecimal("3000000000"))).isNull();
    assertThat(Json.intValue("42")).isNull();
    assertThat(Json.intValue(null)).isNull();
  }

  @Test
  void writesCollectionsInIterationOrder() {
    List<Object> list = new ArrayList<>(List.of("b", "a"));

    assertThat(Json.write(list)).isEqualTo("[\"b\",\"a\"]");
  }
}
