package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic embeddings model for tests, in which texts that share words are similar: each
 * word (lower case, letters and digits) adds one to a dimension chosen by its hash (feature
 * hashing). One token per word.
 */
final class BagOfWordsEmbeddings {
  /** The dimensions unless the request asks for others. */
  static final int DIMENSIONS = 256;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private BagOfWordsEmbeddings() {}

  /**
   * Answers an embeddings batch, as {@code FakeEmbeddingsPort.answerWith} takes.
   *
   * @param request the batch
   * @return one vector per input, the tokens counted as words
   */
  static EmbeddingResponse answer(EmbeddingRequest request) {
    int dimensions = request.dimensions() == null ? DIMENSIONS : request.dimensions();
    List<Embedding> embeddings = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < request.inputs().size(); i++) {
      String input = request.inputs().get(i);
      embeddings.add(new Embedding(i, vector(input, dimensions)));
      tokens += words(input).size();
    }
    return new EmbeddingResponse(embeddings, request.model(), TokenUsage.of(tokens, 0), null);
  }

  /**
   * Returns the vector of a text.
   *
   * @param text the text
   * @param dimensions its length
   * @return the vector; never zero
   */
  static float[] vector(String text, int dimensions) {
    float[] vector = new float[dimensions];
    for (String word : words(text)) {
      vector[Math.floorMod(word.hashCode(), dimensions)] += 1;
    }
    // A little of one shared dimension, so that a text without words still has a direction.
    vector[dimensions - 1] += 0.01f;
    return vector;
  }

  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (matcher.find()) {
      words.add(matcher.group());
    }
    return words;
  }
}
