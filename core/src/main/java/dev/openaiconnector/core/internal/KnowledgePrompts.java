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
 * Writes the prompt of a retrieval-augmented answer (the retrieved chunks, numbered as sources,
 * and the question) and finds which sources an answer cites. Thread-safe.
 */
public final class KnowledgePrompts {
  // [1], [2, 3] or [2,3]: the markers the instructions ask for, and what models write anyway.
  private static final Pattern MARKERS = Pattern.compile("\\[(\\d{1,4}(?:\\s*,\\s*\\d{1,4})*)]");

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
   * Writes the sources block: each chunk after its marker, its source and position.
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
      text.append("\n\n[").append(i + 1).append("] ");
      String source = chunk.metadata().get(TextChunker.SOURCE);
      String position = chunk.metadata().get(TextChunker.POSITION);
      if (source != null) {
        text.append("source: ").append(source);
        if (position != null) {
          text.append(", position: ").append(position);
        }
      } else {
        text.append("id: ").append(chunk.id());
      }
      text.append('\n').append(chunk.text());
    }
    return text.toString();
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
      for (String number : matcher.group(1).split(",")) {
        int marker = Integer.parseInt(number.strip());
        if (marker >= 1 && marker <= hits.size()) {
          markers.set(marker - 1);
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
