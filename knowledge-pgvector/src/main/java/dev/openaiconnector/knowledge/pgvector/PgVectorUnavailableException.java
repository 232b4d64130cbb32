package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RetriableException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A database operation of a {@link PgVectorKnowledgeBase} failed in a way that a later attempt may
 * not meet: no connection, a deadlock or serialization failure, a timeout, a server shutting down
 * or out of resources (SQLState classes {@code 08} and {@code 53}, {@code 40001}, {@code 40P01},
 * {@code 55P03}, {@code 57014}, {@code 57P01} to {@code 57P03}). The message names the operation
 * and the table, and never carries a password.
 *
 * @see PgVectorException for failures that the same call will meet again
 */
public class PgVectorUnavailableException extends RetriableException {
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
  public PgVectorUnavailableException(
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
   * @return the five-character code, for example {@code 08006}, or empty if there was none
   */
  public Optional<String> sqlState() {
    return Optional.ofNullable(sqlState);
  }
}
