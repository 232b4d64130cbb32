package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.TokenUsage;
import java.util.Objects;

/**
 * What ingesting one {@link Document} did.
 *
 * @param documentId the document's id
 * @param chunksWritten the chunks embedded and written (added or replaced); 0 when unchanged
 * @param chunksDeleted the stale chunks of the document deleted: those of an earlier version that
 *     the new one no longer has, and leftovers of an interrupted run, which go even when the
 *     document is unchanged
 * @param unchanged true if the knowledge base held this very version already, so that nothing was
 *     embedded or written
 * @param usage the embedding tokens the document cost; {@link TokenUsage#ZERO} when unchanged.
 *     When several documents are embedded in one call ({@link Knowledge#ingestAll}), the call's
 *     usage is shared out by each document's estimated tokens, so that the results add up to it
 *     exactly. {@link TokenUsage#ZERO} too when the call failed in part, since the usage of a
 *     failed call is not known per input (the connector's usage listeners still count it)
 */
public record IngestResult(
    String documentId, int chunksWritten, int chunksDeleted, boolean unchanged, TokenUsage usage) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public IngestResult {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(usage, "usage");
    if (chunksWritten < 0 || chunksDeleted < 0) {
      throw new IllegalArgumentException("chunk counts must not be negative");
    }
  }
}
