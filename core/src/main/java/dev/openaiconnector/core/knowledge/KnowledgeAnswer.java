package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.KnowledgeHit;
import java.util.List;
import java.util.Objects;

/**
 * An answer from a knowledge base: the model's response, the chunks it was given as sources, and
 * those its answer cites.
 *
 * <p>The sources were numbered {@code [1]}, {@code [2]}... in the prompt, in the order of {@link
 * #sources()}: marker {@code [i]} is {@code sources().get(i - 1)}.
 *
 * @param response the model's response, with its usage and tool rounds
 * @param sources every chunk retrieved and put into the prompt, most similar first; copied
 * @param cited the sources whose marker appears in the answer's text, in the order of {@link
 *     #sources()}; copied
 */
public record KnowledgeAnswer(
    ChatResponse response, List<KnowledgeHit> sources, List<KnowledgeHit> cited) {

  /** Checks and copies the values. */
  public KnowledgeAnswer {
    Objects.requireNonNull(response, "response");
    sources = List.copyOf(sources);
    cited = List.copyOf(cited);
  }

  /**
   * Returns the text of the answer.
   *
   * @return the first choice's text, with its {@code [n]} markers
   */
  public String content() {
    return response.content();
  }

  /** Names the response and the ids of the sources; never a text. */
  @Override
  public String toString() {
    return "KnowledgeAnswer[response="
        + response
        + ", sources="
        + sources.stream().map(hit -> hit.chunk().id()).toList()
        + ", cited="
        + cited.stream().map(hit -> hit.chunk().id()).toList()
        + "]";
  }
}
