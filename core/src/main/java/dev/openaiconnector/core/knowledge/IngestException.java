package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Some documents of {@link Knowledge#ingestAll} were not ingested; the others were, and this
 * exception carries their results, so that nothing paid for is lost and nothing is reported
 * twice.
 *
 * <p>Every document given is in exactly one of three places:
 *
 * <ul>
 *   <li>{@link #results()}: ingested (written, or unchanged and skipped), as {@link
 *       Knowledge#ingestAll} would have returned them;
 *   <li>{@link #failures()}: not ingested, with the reason: the knowledge base refused or failed
 *       to write it, or the embeddings call of its group failed;
 *   <li>{@link #notAttempted()}: not tried, because an embeddings call failed without a single
 *       vector before their turn, which would most likely have failed for them too.
 * </ul>
 *
 * <p>Ingesting the same list again once the cause is fixed is cheap: the documents stored already
 * are skipped without an embeddings call. The cause is the first failure; the message names the
 * documents, never their text. {@link #isRetriable()} is true when every failure is a retriable
 * {@link ConnectorException}, so that the same call may succeed later as it is.
 */
public final class IngestException extends ConnectorException {
  private static final long serialVersionUID = 1L;
  private static final int NAMED_IN_MESSAGE = 3;

  private final transient @Nullable List<IngestResult> results;
  private final transient @Nullable Map<String, RuntimeException> failures;
  private final transient @Nullable List<String> notAttempted;
  private final boolean retriable;

  /**
   * Creates the exception.
   *
   * @param results the results of the documents ingested, in the order given
   * @param failures why each failed document was not ingested, by document id, in the order given;
   *     not empty
   * @param notAttempted the ids of the documents not tried, in the order given
   */
  IngestException(
      List<IngestResult> results,
      Map<String, RuntimeException> failures,
      List<String> notAttempted) {
    super(
        describe(results, failures, notAttempted),
        details(failures),
        failures.values().iterator().next());
    this.results = List.copyOf(results);
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    this.notAttempted = List.copyOf(notAttempted);
    this.retriable =
        failures.values().stream()
            .allMatch(failure -> failure instanceof ConnectorException c && c.isRetriable());
  }

  /**
   * Returns the results of the documents that were ingested: written, or unchanged and skipped.
   *
   * @return the results, in the order the documents were given; empty after deserialization
   */
  public List<IngestResult> results() {
    List<IngestResult> kept = results;
    return kept == null ? List.of() : kept;
  }

  /**
   * Returns why each failed document was not ingested: its own failure to be written, or the
   * failure of the embeddings call of its group. Nothing of a failed document was written, except
   * when only the deletion of its earlier version's chunks failed after its new chunks were
   * written; ingesting it again then deletes them without an embeddings call.
   *
   * @return the failures by document id, in the order the documents were given; empty after
   *     deserialization
   */
  public Map<String, RuntimeException> failures() {
    Map<String, RuntimeException> kept = failures;
    return kept == null ? Map.of() : kept;
  }

  /**
   * Returns the ids of the documents not tried because an embeddings call failed before their
   * turn; nothing of them was embedded or written.
   *
   * @return the ids, in the order the documents were given; empty after deserialization
   */
  public List<String> notAttempted() {
    List<String> kept = notAttempted;
    return kept == null ? List.of() : kept;
  }

  /**
   * Tells whether ingesting the same documents again may succeed as it is.
   *
   * @return true if every failure is a retriable {@link ConnectorException}
   */
  @Override
  public boolean isRetriable() {
    return retriable;
  }

  private static ErrorDetails details(Map<String, RuntimeException> failures) {
    for (RuntimeException failure : failures.values()) {
      if (failure instanceof ConnectorException connectorFailure) {
        return connectorFailure.details();
      }
    }
    return ErrorDetails.NONE;
  }

  private static String describe(
      List<IngestResult> results,
      Map<String, RuntimeException> failures,
      List<String> notAttempted) {
    int total = results.size() + failures.size() + notAttempted.size();
    StringBuilder message =
        new StringBuilder()
            .append(failures.size() + notAttempted.size())
            .append(" of ")
            .append(total)
            .append(" documents were not ingested: ");
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, RuntimeException> failure : failures.entrySet()) {
      if (named.size() == NAMED_IN_MESSAGE) {
        break;
      }
      RuntimeException cause = failure.getValue();
      named.add(
          "'"
              + failure.getKey()
              + "' ("
              + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
              + ")");
    }
    message.append(String.join("; ", named));
    if (failures.size() > NAMED_IN_MESSAGE) {
      message.append("; and ").append(failures.size() - NAMED_IN_MESSAGE).append(" more failed");
    }
    if (!notAttempted.isEmpty()) {
      message
          .append("; ")
          .append(notAttempted.size())
          .append(" not attempted after an embeddings call failed");
    }
    return message
        .append(". results() holds the ")
        .append(results.size())
        .append(" ingested, failures() and notAttempted() the others; ingest them again once the"
            + " cause is fixed (documents stored already are skipped)")
        .toString();
  }
}
