package dev.openaiconnector.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into spans of at most a number of estimated tokens, with an overlap, for {@code
 * TextChunker}. Deterministic: the same text and budgets always give the same spans.
 *
 * <p>Tokens are estimated as {@link TokenEstimator#estimateInput(String)} does (a quarter of a
 * token per ASCII character, one per other character), so that a chunk the splitter accepts is
 * one the embeddings batcher counts the same way.
 *
 * <p>A span never starts or ends with whitespace. It ends, in this order of preference:
 *
 * <ol>
 *   <li>at the last paragraph break (a blank line) that leaves the span at least half full;
 *   <li>at the last sentence end (after {@code . ! ? …} and whitespace, or after {@code 。！？})
 *       that leaves it at least half full;
 *   <li>at the last line break that leaves it at least half full (list items, table rows);
 *   <li>at the last sentence end that leaves it at least a quarter full: a shorter one is more
 *       likely an abbreviation ({@code Dr. }, {@code e.g. }) than the end of a sentence, and would
 *       make a chunk of a token or two;
 *   <li>at the last word end: before whitespace, or between two ideographs (CJK text has no
 *       spaces);
 *   <li>inside a word, between two code points, only when the span holds no word end at all: a
 *       single word longer than the budget.
 * </ol>
 *
 * <p>Each span after the first starts with an overlap: the last words of the span before, at most
 * the overlap budget of tokens, starting on a word. When the overlap leaves no room for the next
 * word, that span has no overlap. Overlap never reaches back before the new text of the span before,
 * so no text appears in more than two spans.
 */
public final class TextSplitter {
  private static final int NONE = 0;
  private static final int WORD = 1;
  private static final int LINE = 2;
  private static final int SENTENCE = 3;
  private static final int PARAGRAPH = 4;

  private final String text;
  private final int maxTokens;
  private final int overlapTokens;
  private final int halfFull;
  private final int quarterFull;
  // asciiBefore[i] is the number of ASCII characters in text[0, i): with it, the estimate of any
  // range costs two reads.
  private final int[] asciiBefore;
  // The end of the last character that is not whitespace: trailing whitespace is never part of a
  // span.
  private final int limit;

  private TextSplitter(String text, int maxTokens, int overlapTokens) {
    this.text = text;
    this.maxTokens = maxTokens;
    this.overlapTokens = overlapTokens;
    this.halfFull = (maxTokens + 1) / 2;
    this.quarterFull = (maxTokens + 3) / 4;
    this.asciiBefore = new int[text.length() + 1];
    for (int i = 0; i < text.length(); i++) {
      asciiBefore[i + 1] = asciiBefore[i] + (text.charAt(i) < 0x80 ? 1 : 0);
    }
    int end = text.length();
    while (end > 0 && isSpace(text.charAt(end - 1))) {
      end--;
    }
    this.limit = end;
  }

  /**
   * Splits a text.
   *
   * @param text the text
   * @param maxTokens the most estimated tokens of a span, overlap included; at least 1
   * @param overlapTokens the most estimated tokens a span repeats from the one before; from 0 to
   *     {@code maxTokens - 1}
   * @return the spans, in text order; empty when the text is empty or only whitespace
   * @throws IllegalArgumentException if a budget is out of range
   */
  public static List<Span> split(String text, int maxTokens, int overlapTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
    }
    if (overlapTokens < 0 || overlapTokens >= maxTokens) {
      throw new IllegalArgumentException(
          "overlapTokens must be from 0 to maxTokens - 1 (" + (maxTokens - 1) + "), was "
              + overlapTokens);
    }
    return new TextSplitter(text, maxTokens, overlapTokens).spans();
  }

  /**
   * Estimates the tokens of a text, as the splitter counts them.
   *
   * @param text the text
   * @return the estimate
   */
  public static long estimateTokens(String text) {
    return TokenEstimator.estimateInput(text);
  }

  private List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    int next = skipSpaces(0);
    int previousNew = -1;
    int previousEnd = -1;
    while (next < limit) {
      int start = next;
      if (previousEnd >= 0 && overlapTokens > 0) {
        start = overlapStart(previousNew, previousEnd, next);
      }
      int end = chooseEnd(start, next);
      if (end < 0 && start < next) {
        // The overlap leaves no room for the next word: this span goes without it.
        start = next;
        end = chooseEnd(start, next);
      }
      if (end < 0) {
        end = hardCut(start, next);
      }
      spans.add(new Span(start, end));
      previousNew = next;
      previousEnd = end;
      next = skipSpaces(end);
    }
    return spans;
  }

  /**
   * Returns where the span from {@code start} (its new text from {@code next}) ends, by the order
   * of preference of the class comment; -1 when only a cut inside a word would do.
   */
  private int chooseEnd(int start, int next) {
    int fit = lastFit(start, next);
    if (fit < 0) {
      return -1;
    }
    if (fit == limit) {
      return limit;
    }
    int fullSentence = -1;
    int fullLine = -1;
    int word = -1;
    // Scanning down, the first end found of each kind is the last one in the text.
    for (int b = fit; b > next; b--) {
      int level = level(b);
      if (level == NONE) {
        continue;
      }
      if (word < 0) {
        word = b;
      }
      long filled = tokens(start, b);
      if (filled >= halfFull) {
        if (level == PARAGRAPH) {
          return b;
        }
        if (level == SENTENCE && fullSentence < 0) {
          fullSentence = b;
        }
        if (level == LINE && fullLine < 0) {
          fullLine = b;
        }
      } else if (fullSentence >= 0) {
        return fullSentence;
      } else if (fullLine >= 0) {
        return fullLine;
      } else if (filled < quarterFull) {
        // Every end further down is shorter still: the last word end wins.
        break;
      } else if (level >= SENTENCE) {
        return b;
      }
    }
    if (fullSentence >= 0) {
      return fullSentence;
    }
    return fullLine >= 0 ? fullLine : word;
  }

  /** Cuts the span from {@code start} inside a word, at the last code point that fits. */
  private int hardCut(int start, int next) {
    int end = lastFit(start, next);
    if (end < limit
        && end > next
        && Character.isLowSurrogate(text.charAt(end))
        && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /**
   * Returns the furthest end that keeps the span from {@code start} within the budget. Without
   * overlap ({@code start == next}) at least one code point, so that every span makes progress;
   * with overlap -1 when not even one more code point fits.
   */
  private int lastFit(int start, int next) {
    int low = next + Character.charCount(text.codePointAt(next));
    if (tokens(start, low) > maxTokens) {
      return start < next ? -1 : low;
    }
    if (low >= limit) {
      return limit;
    }
    int high = limit;
    // Invariant: tokens(start, low) <= maxTokens; the answer is in [low, high].
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (tokens(start, middle) <= maxTokens) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /**
   * Returns where the overlap of the span after {@code [previousNew, previousEnd)} starts: the
   * first word start whose tail fits the overlap budget, or {@code next} when none does.
   */
  private int overlapStart(int previousNew, int previousEnd, int next) {
    int low = previousNew + 1;
    int high = previousEnd;
    // The first position whose tail fits: tokens(p, previousEnd) falls as p grows.
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (tokens(middle, previousEnd) <= overlapTokens) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    for (int p = low; p < previousEnd; p++) {
      if (isWordStart(p)) {
        return p;
      }
    }
    return next;
  }

  private boolean isWordStart(int p) {
    char c = text.charAt(p);
    if (isSpace(c) || Character.isLowSurrogate(c)) {
      return false;
    }
    return isSpace(text.charAt(p - 1))
        || (isIdeograph(Character.codePointBefore(text, p))
            && isIdeograph(Character.codePointAt(text, p)));
  }

  /** Classifies the position {@code b} as the end of a span: how good a place to cut it is. */
  private int level(int b) {
    char before = text.charAt(b - 1);
    if (isSpace(before)) {
      return NONE;
    }
    if (b >= limit) {
      return PARAGRAPH;
    }
    int newlines = 0;
    int after = b;
    while (after < limit && isSpace(text.charAt(after))) {
      if (text.charAt(after) == '\n') {
        newlines++;
      }
      after++;
    }
    if (newlines >= 2) {
      return PARAGRAPH;
    }
    if (before == '。' || before == '！' || before == '？') {
      return SENTENCE;
    }
    if (after > b) {
      // A line break alone is weaker than a sentence end: hard-wrapped text has one every line.
      return endsSentence(b) ? SENTENCE : newlines == 1 ? LINE : WORD;
    }
    return isIdeograph(Character.codePointBefore(text, b))
            && isIdeograph(Character.codePointAt(text, b))
        ? WORD
        : NONE;
  }

  /** Tells whether the text before {@code b} ends a sentence, closing quotes and brackets aside. */
  private boolean endsSentence(int b) {
    int i = b - 1;
    while (i > 0 && "\"')]}\u2019\u201d\u00bb".indexOf(text.charAt(i)) >= 0) {
      i--;
    }
    char c = text.charAt(i);
    return c == '.' || c == '!' || c == '?' || c == '\u2026';
  }

  private int skipSpaces(int from) {
    int i = from;
    while (i < limit && isSpace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private long tokens(int from, int to) {
    int ascii = asciiBefore[to] - asciiBefore[from];
    return (ascii + 3L) / 4 + (to - from - ascii);
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static boolean isIdeograph(int codePoint) {
    if (Character.isIdeographic(codePoint)) {
      return true;
    }
    Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
    return script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA;
  }

  /**
   * A span of the text: {@code text.substring(start, end)}.
   *
   * @param start the index of its first character
   * @param end the index after its last character
   */
  public record Span(int start, int end) {}
}
