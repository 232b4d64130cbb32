package dev.openaiconnector.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Some batches of an embeddings request failed for good (after their retries) while others
 * succeeded. The vectors already computed are kept here, so that only the missing inputs need to
 * be sent again; the cause is the first batch's failure.
 */
public class PartialEmbeddingException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable List<@Nullable Embedding> byInput;
  private final transient @Nullable List<Integer> missing;

  /**
   * Creates the exception.
   *
   * @param byInput one entry per input of the request, null where the input has no vector
   * @param cause the failure of the first batch that failed
   */
  public PartialEmbeddingException(List<@Nullable Embedding> byInput, ConnectorException cause) {
    super(describe(byInput, cause), cause.details(), cause);
    this.byInput = Collections.unmodifiableList(new ArrayList<>(byInput));
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < byInput.size(); i++) {
      if (byInput.get(i) == null) {
        indices.add(i);
      }
    }
    this.missing = List.copyOf(indices);
  }

  private static String describe(List<@Nullable Embedding> byInput, ConnectorException cause) {
    long missing = byInput.stream().filter(embedding -> embedding == null).count();
    return missing
        + " of "
        + byInput.size()
        + " inputs have no vector because their batch failed or was not started after a failure ("
        + cause.getClass().getSimpleName()
        + "); partial() keeps the "
        + (byInput.size() - missing)
        + " vectors computed and missingIndices() lists the inputs to send again";
  }

  /**
   * Returns the vectors by input position: the embedding, or null where the input has none.
   *
   * @return one entry per input; empty after deserialization
   */
  public List<@Nullable Embedding> partial() {
    List<@Nullable Embedding> kept = byInput;
    return kept == null ? List.of() : kept;
  }

  /**
   * Returns the positions of the inputs without a vector, ascending.
   *
   * @return the indices; empty after deserialization
   */
  public List<Integer> missingIndices() {
    List<Integer> kept = missing;
    return kept == null ? List.of() : kept;
  }
}
