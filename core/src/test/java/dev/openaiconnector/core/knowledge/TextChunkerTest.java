package dev.openaiconnector.core.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.core.internal.TextSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

  private static TextChunker chunker(int maxTokens, int overlapTokens) {
    return TextChunker.builder().maxTokens(maxTokens).overlapTokens(overlapTokens).build();
  }

  private static long tokens(String text) {
    return TextSplitter.estimateTokens(text);
  }

  private static String sentence(int n) {
    return "Sentence number " + n + " talks about the holiday policy of the company.";
  }

  private static String paragraph(int from, int sentences) {
    return IntStream.range(from, from + sentences)
        .mapToObj(TextChunkerTest::sentence)
        .collect(Collectors.joining(" "));
  }

  private static List<String> texts(List<TextChunk> chunks) {
    return chunks.stream().map(TextChunk::text).toList();
  }

  @Test
  void keepsAShortDocumentInOneChunkWithItsSourceAndPosition() {
    Document document =
        new Document("handbook.md", "  Holidays: 25 days a year.\n", Map.of("lang", "en"));

    List<TextChunk> chunks = TextChunker.defaults().chunk(document);

    assertThat(chunks).hasSize(1);
    TextChunk chunk = chunks.get(0);
    assertThat(chunk.id()).isEqualTo("handbook.md#0");
    assertThat(chunk.text()).isEqualTo("Holidays: 25 days a year.");
    assertThat(chunk.position()).isZero();
    assertThat(chunk.start()).isEqualTo(2);
    assertThat(chunk.end()).isEqualTo(27);
    assertThat(chunk.metadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "lang", "en", "source", "handbook.md", "position", "0", "start", "2", "end", "27"));
  }

  @Test
  void endsChunksAtParagraphBreaksFirst() {
    // Each paragraph is about 270 tokens: one fits a chunk of 400, two do not.
    String first = paragraph(0, 16);
    String second = paragraph(16, 16);
    String third = paragraph(32, 16);
    String text = first + "\n\n" + second + "\n\n" + third;

    List<TextChunk> chunks = chunker(400, 0).chunk(Document.of("doc", text));

    assertThat(texts(chunks)).containsExactly(first, second, third);
  }

  @Test
  void keepsAHeadingWithItsParagraph() {
    String body = paragraph(0, 16);
    String text = "# Holidays\n\n" + body + "\n\n" + paragraph(16, 16);

    List<TextChunk> chunks = chunker(400, 0).chunk(Document.of("doc", text));

    // A break after the heading would leave a chunk of three tokens: the one after the body wins.
    assertThat(chunks.get(0).text()).isEqualTo("# Holidays\n\n" + body);
  }

  @Test
  void endsChunksAtSentenceEndsWhenAParagraphIsTooLong() {
    String text = paragraph(0, 40);

    List<TextChunk> chunks = chunker(100, 0).chunk(Document.of("doc", text));

    assertThat(chunks).hasSizeGreaterThan(5);
    for (TextChunk chunk : chunks) {
      assertThat(chunk.text()).startsWith("Sentence number").endsWith("of the company.");
      assertThat(tokens(chunk.text())).isBetween(50L, 100L);
    }
  }

  @Test
  void prefersSentenceEndsToTheLineBreaksOfHardWrappedText() {
    String prose = paragraph(0, 30);
    StringBuilder wrapped = new StringBuilder();
    int column = 0;
    for (String word : prose.split(" ")) {
      if (column > 0 && column + word.length() > 60) {
        wrapped.append('\n');
        column = 0;
      } else if (column > 0) {
        wrapped.append(' ');
        column++;
      }
      wrapped.append(word);
      column += word.length();
    }
    String text = wrapped.toString();

    List<TextChunk> chunks = chunker(100, 0).chunk(Document.of("doc", text));

    assertThat(text).contains("\n");
    assertThat(chunks).hasSizeGreaterThan(3);
    // Without the preference, chunks would end at the last line break, inside a sentence.
    assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.text()).endsWith("company."));
  }

  @Test
  void endsChunksAtLineBreaksOfAListRatherThanInsideAnItem() {
    String text =
        IntStream.range(0, 60)
            .mapToObj(i -> "- item " + i + " holds a few words and no full stop")
            .collect(Collectors.joining("\n"));

    List<TextChunk> chunks = chunker(60, 0).chunk(Document.of("doc", text));

    assertThat(chunks).hasSizeGreaterThan(5);
    assertThat(chunks)
        .allSatisfy(
            chunk ->
                assertThat(chunk.text()).startsWith("- item ").endsWith("and no full stop"));
  }

  @Test
  void prefersASentenceEndToAWordEndInAChunkAtLeastAQuarterFull() {
    String longSentence =
        IntStream.range(0, 200).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    // About 30 tokens: less than half of the budget of 100, more than a quarter.
    String sentence =
        "A sentence of a few more words about the holiday policy of the company, long enough to"
            + " count as a real sentence.";
    String text = sentence + " " + longSentence;

    List<TextChunk> chunks = chunker(100, 0).chunk(Document.of("doc", text));

    assertThat(tokens(sentence)).isBetween(25L, 49L);
    assertThat(chunks.get(0).text()).isEqualTo(sentence);
    assertThat(chunks.get(1).text()).startsWith("word0 word1");
  }

  @Test
  void anAbbreviationNearTheStartDoesNotEndAChunkOfATokenOrTwo() {
    String longSentence =
        IntStream.range(0, 200).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));

    for (String opening : new String[] {"Dr. ", "See e.g. ", "A short sentence. "}) {
      String text = opening + longSentence;

      List<TextChunk> chunks = chunker(100, 0).chunk(Document.of("doc", text));

      assertThat(chunks).allSatisfy(chunk -> assertThat(tokens(chunk.text())).isLessThanOrEqualTo(100));
      assertThat(tokens(chunks.get(0).text()))
          .as("the first chunk of \"%s...\" ends at a word near the budget", opening)
          .isGreaterThan(90);
      assertThat(chunks.get(0).text()).startsWith(opening + "word0");
    }
  }

  @Test
  void endsChunksBetweenWordsWhenASentenceIsTooLong() {
    String text =
        IntStream.range(0, 500).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));

    List<TextChunk> chunks = chunker(30, 0).chunk(Document.of("doc", text));

    assertThat(chunks).hasSizeGreaterThan(10);
    for (TextChunk chunk : chunks) {
      assertThat(chunk.start() == 0 || text.charAt(chunk.start() - 1) == ' ').isTrue();
      assertThat(chunk.end() == text.length() || text.charAt(chunk.end()) == ' ').isTrue();
      assertThat(tokens(chunk.text())).isLessThanOrEqualTo(30);
    }
    assertThat(String.join(" ", texts(chunks))).isEqualTo(text);
  }

  @Test
  void cutsInsideAWordOnlyWhenTheWordAloneExceedsTheBudget() {
    String huge = "x".repeat(1000);
    String text = "Intro words here. " + huge + " tail words.";

    List<TextChunk> chunks = chunker(50, 10).chunk(Document.of("doc", text));

    int hugeStart = text.indexOf(huge);
    int hugeEnd = hugeStart + huge.length();
    StringBuilder rebuilt = new StringBuilder();
    for (TextChunk chunk : chunks) {
      assertThat(tokens(chunk.text())).isLessThanOrEqualTo(50);
      boolean endsInsideAWord =
          chunk.end() < text.length()
              && Character.isLetter(text.charAt(chunk.end() - 1))
              && Character.isLetter(text.charAt(chunk.end()));
      if (endsInsideAWord) {
        assertThat(chunk.end()).isGreaterThan(hugeStart).isLessThan(hugeEnd);
      }
      if (chunk.start() >= hugeStart && chunk.end() <= hugeEnd) {
        rebuilt.append(chunk.text());
      }
    }
    assertThat(chunks.get(0).text()).isEqualTo("Intro words here.");
    assertThat(huge).startsWith(rebuilt.toString());
    assertThat(chunks.get(chunks.size() - 1).text()).endsWith("tail words.");
  }

  @Test
  void countsEachCjkCharacterAsATokenAndEndsAtCjkSentenceEnds() {
    String text = "今天天气很好。我们去公园散步。".repeat(10);

    List<TextChunk> chunks = chunker(20, 0).chunk(Document.of("doc", text));

    assertThat(chunks).hasSize(10);
    assertThat(texts(chunks)).containsOnly("今天天气很好。我们去公园散步。");
  }

  @Test
  void cutsCjkTextWithoutPunctuationBetweenCharacters() {
    String text = "中文没有空格".repeat(20);

    List<TextChunk> chunks = chunker(10, 0).chunk(Document.of("doc", text));

    assertThat(chunks).hasSize(12);
    assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.text()).hasSizeLessThanOrEqualTo(10));
    assertThat(String.join("", texts(chunks))).isEqualTo(text);
  }

  @Test
  void rejectsABlankDocumentAndLeavesWhitespaceOutOfChunks() {
    assertThatThrownBy(() -> Document.of("empty", " \n\t "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty")
        .hasMessageContaining("blank");
    assertThat(TextSplitter.split("", 10, 2)).isEmpty();
    assertThat(TextSplitter.split("  \n\t \u3000 ", 10, 2)).isEmpty();

    String text = "\n\n   First paragraph.   \n\n\n   Second one.  \n ";
    List<TextChunk> chunks = chunker(5, 0).chunk(Document.of("doc", text));

    assertThat(texts(chunks)).containsExactly("First paragraph.", "Second one.");
  }

  @Test
  void overlapRepeatsTheTailOfThePreviousChunkFromAWordStart() {
    String text =
        IntStream.range(0, 300).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));

    List<TextChunk> chunks = chunker(40, 10).chunk(Document.of("doc", text));

    assertThat(chunks).hasSizeGreaterThan(10);
    for (int i = 1; i < chunks.size(); i++) {
      TextChunk before = chunks.get(i - 1);
      TextChunk chunk = chunks.get(i);
      assertThat(chunk.start()).isGreaterThan(before.start()).isLessThan(before.end());
      assertThat(text.charAt(chunk.start() - 1)).isEqualTo(' ');
      String overlap = text.substring(chunk.start(), before.end());
      assertThat(before.text()).endsWith(overlap);
      assertThat(chunk.text()).startsWith(overlap);
      assertThat(tokens(overlap)).isBetween(5L, 10L);
      assertThat(tokens(chunk.text())).isLessThanOrEqualTo(40);
    }
  }

  @Test
  void offsetsSliceBackToTheChunkTextsForAnyText() {
    String[] pieces = {
      "word", "Word", "longerword", "a", "I", ".", "!", "?", ",", "\n", "\n\n", " ", "  ", "\t",
      "中文", "。", "日本語", "😀", "é", "\"quoted.\"", "x".repeat(70)
    };
    Random random = new Random(42);
    int[][] budgets = {{5, 0}, {7, 6}, {20, 5}, {50, 10}, {400, 50}};
    for (int round = 0; round < 40; round++) {
      StringBuilder builder = new StringBuilder();
      int length = 1 + random.nextInt(400);
      for (int i = 0; i < length; i++) {
        builder.append(pieces[random.nextInt(pieces.length)]);
        if (random.nextInt(3) > 0) {
          builder.append(' ');
        }
      }
      String text = builder.toString();
      if (text.isBlank()) {
        continue;
      }
      for (int[] budget : budgets) {
        checkChunks(text, chunker(budget[0], budget[1]).chunk(Document.of("d", text)), budget[0]);
      }
    }
  }

  private static void checkChunks(String text, List<TextChunk> chunks, int maxTokens) {
    boolean[] covered = new boolean[text.length()];
    for (int i = 0; i < chunks.size(); i++) {
      TextChunk chunk = chunks.get(i);
      String slice = text.substring(chunk.start(), chunk.end());
      assertThat(chunk.text()).isEqualTo(slice);
      assertThat(chunk.position()).isEqualTo(i);
      assertThat(chunk.id()).isEqualTo("d#" + i);
      assertThat(chunk.metadata())
          .containsEntry("start", Integer.toString(chunk.start()))
          .containsEntry("end", Integer.toString(chunk.end()));
      assertThat(slice.strip()).isEqualTo(slice);
      assertThat(Character.isLowSurrogate(text.charAt(chunk.start()))).isFalse();
      assertThat(chunk.end() == text.length() || !Character.isLowSurrogate(text.charAt(chunk.end())))
          .isTrue();
      if (slice.codePointCount(0, slice.length()) > 1) {
        assertThat(tokens(slice)).as("tokens of %s", chunk).isLessThanOrEqualTo(maxTokens);
      }
      if (i > 0) {
        TextChunk before = chunks.get(i - 1);
        assertThat(chunk.start()).isGreaterThan(before.start());
        assertThat(chunk.end()).isGreaterThan(before.end());
      }
      if (i > 1) {
        // Overlap reaches into the chunk before, never two back: no text is in three chunks.
        assertThat(chunk.start()).isGreaterThanOrEqualTo(chunks.get(i - 2).end());
      }
      for (int c = chunk.start(); c < chunk.end(); c++) {
        covered[c] = true;
      }
    }
    for (int c = 0; c < text.length(); c++) {
      if (!Character.isWhitespace(text.charAt(c))) {
        assertThat(covered[c]).as("character %d of %s is in a chunk", c, text).isTrue();
      }
    }
  }

  @Test
  void chunksTheSameDocumentTheSameWay() {
    String text = paragraph(0, 50) + "\n\n" + "中文没有空格".repeat(40);
    Document document = Document.of("doc", text);
    TextChunker chunker = chunker(60, 15);

    assertThat(chunker.chunk(document)).isEqualTo(chunker.chunk(document));
  }

  @Test
  void validatesItsSettingsWhereTheyAreSet() {
    assertThatThrownBy(() -> TextChunker.builder().maxTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> TextChunker.builder().maxTokens(8192))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8191");
    assertThatThrownBy(() -> TextChunker.builder().overlapTokens(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlapTokens");
    assertThatThrownBy(() -> TextChunker.builder().maxTokens(50).overlapTokens(50).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("overlapTokens (50) must be less than maxTokens (50)");

    TextChunker chunker = TextChunker.builder().maxTokens(300).overlapTokens(0).build();
    assertThat(chunker.toBuilder().build()).isEqualTo(chunker);
    assertThat(TextChunker.defaults().maxTokens()).isEqualTo(400);
    assertThat(TextChunker.defaults().overlapTokens()).isEqualTo(50);
  }

  @Test
  void estimatesTokensAsTheEmbeddingsBatcherDoes() {
    assertThat(tokens("abcd")).isEqualTo(1);
    assertThat(tokens("abcde")).isEqualTo(2);
    assertThat(tokens("中文")).isEqualTo(2);
  }

  @Test
  void documentsRefuseReservedMetadataAndKeepTextOutOfToString() {
    assertThatThrownBy(() -> new Document("d", "text", Map.of("source", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'source'")
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> Document.of(" ", "text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("document id");
    assertThat(Document.of("a#b", "secret text").toString())
        .contains("a#b")
        .doesNotContain("secret");
    List<TextChunk> chunks = new ArrayList<>(TextChunker.defaults().chunk(Document.of("a#1", "x")));
    assertThat(chunks.get(0).id()).isEqualTo("a#1#0");
  }
}
