package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.TextPart;
import dev.openaiconnector.api.UserMessage;
import dev.openaiconnector.core.knowledge.TextChunker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the prompt of a retrieval-augmented answer (the retrieved chunks, each fenced as a
 * numbered source, and the question) and finds which sources an answer cites. Thread-safe.
 *
 * <p>Each source is fenced in {@code <source id="n" document="..." position="...">} and {@code
 * </source>}, and the tags of that name inside a chunk's text are escaped ({@code &lt;source}), so
 * that a chunk can neither close its own fence nor open a fake source with a marker of its own.
 */
public final class KnowledgePrompts {
  // [1], [2, 3], [2,3], [1-3], [1–3] and mixes such as [1, 3-5]: the markers the instructions ask
  // for, and what models write anyway. Not after a letter, digit or underscore: items[2] is code.
  private static final Pattern MARKERS =
      Pattern.compile(
          "(?<![\\p{L}\\p{N}_])\\[(\\d{1,4}(?:\\s*[-\u2013]\\s*\\d{1,4})?"
              + "(?:\\s*,\\s*\\d{1,4}(?:\\s*[-\u2013]\\s*\\d{1,4})?)*)]");
  private static final Pattern RANGE = Pattern.compile("\\s*[-\u2013]\\s*");
  // A source tag inside a chunk's text, opening or closing, in any case.
  private static final Pattern SOURCE_TAG = Pattern.compile("(?i)<(/?\\s*source)");

  private KnowledgePrompts() {}

  /**
   * Returns the request to send: the conversation before the question, a system message with the
   * instructions, and the question with the sources in front of it.
   *
   * @param request the application's request; its last message is the user's question
   * @param hits the retrieved chunks, most similar first; marker {@code [i + 1]} is hit {@code i}
   * @param instructions how to answer from the sources
   * @return the augmented request, with every other option of the original
   */
  public static ChatRequest augment(ChatRequest request, List<KnowledgeHit> hits, String instructions) {
    List<ChatMessage> messages = request.messages();
    UserMessage question = (UserMessage) messages.get(messages.size() - 1);
    String sources = sources(hits);
    UserMessage withSources;
    if (question.isPlainText()) {
      withSources = UserMessage.of(sources + "\n\nQuestion:\n" + question.text());
    } else {
      // Images and other parts stay as they are, after the sources.
      List<ContentPart> parts = new ArrayList<>();
      parts.add(new TextPart(sources + "\n\nQuestion:"));
      parts.addAll(question.parts());
      withSources = new UserMessage(parts);
    }
    List<ChatMessage> augmented = new ArrayList<>(messages.subList(0, messages.size() - 1));
    augmented.add(new SystemMessage(instructions));
    augmented.add(withSources);
    return request.toBuilder().messages(augmented).build();
  }

  /**
   * Writes the sources block: each chunk fenced in a {@code <source>} element whose {@code id} is
   * its marker, with its source document and position (or its chunk id) as attributes.
   *
   * @param hits the chunks, most similar first
   * @return the text
   */
  public static String sources(List<KnowledgeHit> hits) {
    if (hits.isEmpty()) {
      return "Sources: none were found for this question.";
    }
    StringBuilder text = new StringBuilder("Sources:");
    for (int i = 0; i < hits.size(); i++) {
      KnowledgeChunk chunk = hits.get(i).chunk();
      text.append("\n\n<source id=\"").append(i + 1).append('"');
      String source = chunk.metadata().get(TextChunker.SOURCE);
      String position = chunk.metadata().get(TextChunker.POSITION);
      if (source != null) {
        attribute(text, "document", source);
        if (position != null) {
          attribute(text, "position", position);
        }
      } else {
        attribute(text, "chunk", chunk.id());
      }
      text.append(">\n")
          .append(SOURCE_TAG.matcher(chunk.text()).replaceAll("&lt;$1"))
          .append("\n</source>");
    }
    return text.toString();
  }

  private static void attribute(StringBuilder text, String name, String value) {
    text.append(' ').append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> text.append("&amp;");
        case '"' -> text.append("&quot;");
        case '<' -> text.append("&lt;");
        case '>' -> text.append("&gt;");
        case '\n', '\r' -> text.append(' ');
        default -> text.append(c);
      }
    }
    text.append('"');
  }

  /**
   * Returns the hits whose marker the answer cites, in the order of the sources.
   *
   * @param answer the model's answer
   * @param hits the sources the model was given
   * @return the cited hits; empty if none
   */
  public static List<KnowledgeHit> cited(String answer, List<KnowledgeHit> hits) {
    BitSet markers = new BitSet();
    Matcher matcher = MARKERS.matcher(answer);
    while (matcher.find()) {
      for (String item : matcher.group(1).split(",")) {
        String[] ends = RANGE.split(item.strip());
        int from = Integer.parseInt(ends[0].strip());
        int to = ends.length > 1 ? Integer.parseInt(ends[1].strip()) : from;
        // Only the markers of sources count: a range is clipped to them, never walked beyond.
        int low = Math.max(1, Math.min(from, to));
        int high = Math.min(hits.size(), Math.max(from, to));
        if (low <= high) {
          markers.set(low - 1, high);
        }
      }
    }
    List<KnowledgeHit> cited = new ArrayList<>();
    for (int i = markers.nextSetBit(0); i >= 0; i = markers.nextSetBit(i + 1)) {
      cited.add(hits.get(i));
    }
    return List.copyOf(cited);
  }
}
