package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.NonRetriableException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A database operation of a {@link PgVectorKnowledgeBase} failed in a way that the same call will
 * meet again: a missing table or privilege, a table of another shape, a constraint. The message
 * names the operation and the table, and never carries a password.
 *
 * @see PgVectorUnavailableException for failures that a later attempt may not meet
 */
public class PgVectorException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String table;
  private final @Nullable String sqlState;

  /**
   * Creates the exception.
   *
   * @param message what happened, naming the operation and the table
   * @param operation the operation that failed, for example {@code search}
   * @param table the quoted name of the knowledge base's table
   * @param sqlState the SQLState of the database's error, or null
   * @param cause the underlying failure, or null
   */
  public PgVectorException(
      String message,
      String operation,
      String table,
      @Nullable String sqlState,
      @Nullable Throwable cause) {
    super(message, ErrorDetails.NONE, cause);
    this.operation = operation;
    this.table = table;
    this.sqlState = sqlState;
  }

  /**
   * Returns the operation that failed.
   *
   * @return for example {@code upsert}, {@code search} or {@code open}
   */
  public String operation() {
    return operation;
  }

  /**
   * Returns the table of the knowledge base.
   *
   * @return the quoted, qualified name, for example {@code "public"."handbook"}
   */
  public String table() {
    return table;
  }

  /**
   * Returns the SQLState of the database's error.
   *
   * @return the five-character code, for example {@code 42501}, or empty if there was none
   */
  public Optional<String> sqlState() {
    return Optional.ofNullable(sqlState);
  }
}
