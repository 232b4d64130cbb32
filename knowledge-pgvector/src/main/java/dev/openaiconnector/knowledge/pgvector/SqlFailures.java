package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.ConnectorException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link SQLException} into {@link PgVectorException} or {@link
 * PgVectorUnavailableException}, with a message that names the operation and the table and never
 * a password.
 *
 * <p>Passwords reach messages through the application's {@code DataSource}: {@code DriverManager}
 * says "No suitable driver found for" followed by the whole JDBC URL. Such a message is redacted,
 * and so is the cause chain: a cause whose message holds a password is replaced by a copy without
 * it (same class name in the message, SQLState, error code and stack trace).
 */
final class SqlFailures {
  private static final int MAX_MESSAGE = 500;

  /** {@code password=...} in a JDBC URL or property list, and {@code user:secret@} in a URL. */
  private static final Pattern SECRET =
      Pattern.compile(
          "(?i)((?:ssl)?password|passwd|pwd|secret|token)(\\s*[=:]\\s*)[^&;,\\s)\"']+"
              + "|(//[^/:@\\s]+:)[^@/\\s]+@");

  private SqlFailures() {}

  static ConnectorException wrap(String operation, String table, SQLException failure) {
    SQLException reported = failure;
    // A batch failure's own message quotes the whole statement with its values (chunk texts,
    // vectors); the database's error is the next exception.
    if (failure instanceof BatchUpdateException && failure.getNextException() != null) {
      reported = failure.getNextException();
    }
    @Nullable String sqlState = reported.getSQLState();
    String message =
        operation
            + " on knowledge base table "
            + table
            + " failed: "
            + abbreviate(redact(withoutDetail(String.valueOf(reported.getMessage()))))
            + (sqlState == null ? "" : " (SQLState " + sqlState + ")");
    Throwable cause = safe(failure);
    return retriable(reported, sqlState)
        ? new PgVectorUnavailableException(message, operation, table, sqlState, cause)
        : new PgVectorException(message, operation, table, sqlState, cause);
  }

  static boolean retriable(SQLException failure, @Nullable String sqlState) {
    if (failure instanceof SQLTransientException || failure instanceof SQLRecoverableException) {
      return true;
    }
    if (sqlState == null) {
      return false;
    }
    return sqlState.startsWith("08") // connection exception
        || sqlState.startsWith("53") // insufficient resources, too many connections
        || sqlState.equals("40001") // serialization failure
        || sqlState.equals("40P01") // deadlock detected
        || sqlState.equals("55P03") // lock not available (lock_timeout)
        || sqlState.equals("57014") // query canceled (statement_timeout)
        || sqlState.equals("57P01") // admin shutdown
        || sqlState.equals("57P02") // crash shutdown
        || sqlState.equals("57P03"); // cannot connect now
  }

  static String redact(String message) {
    return SECRET
        .matcher(message)
        .replaceAll(match -> match.group(3) != null ? "$3***@" : "$1$2***");
  }

  /**
   * Drops the lines of a server error that quote data: PostgreSQL's "Detail: Failing row contains
   * (...)" holds a whole chunk, text and vector. The cause keeps them for a debugger.
   */
  private static String withoutDetail(String message) {
    StringBuilder kept = new StringBuilder();
    for (String line : message.strip().split("\\R")) {
      String trimmed = line.strip();
      if (!trimmed.startsWith("Detail:") && !trimmed.startsWith("Where:")) {
        kept.append(kept.length() == 0 ? "" : " ").append(trimmed);
      }
    }
    return kept.toString();
  }

  private static String abbreviate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
  }

  /** Returns the failure itself, or a copy of its chain without the secrets some message held. */
  static Throwable safe(Throwable failure) {
    return holdsSecret(failure, new IdentityHashMap<>()) ? copy(failure, new IdentityHashMap<>())
        : failure;
  }

  private static boolean holdsSecret(@Nullable Throwable failure, Map<Throwable, Boolean> seen) {
    while (failure != null && seen.put(failure, Boolean.TRUE) == null) {
      String message = failure.getMessage();
      if (message != null && !redact(message).equals(message)) {
        return true;
      }
      if (failure instanceof SQLException
          && holdsSecret(((SQLException) failure).getNextException(), seen)) {
        return true;
      }
      failure = failure.getCause();
    }
    return false;
  }

  private static Throwable copy(Throwable failure, Map<Throwable, Throwable> copies) {
    Throwable done = copies.get(failure);
    if (done != null) {
      return done;
    }
    String message =
        failure.getClass().getName() + ": " + redact(String.valueOf(failure.getMessage()));
    Throwable copy;
    if (failure instanceof SQLException) {
      SQLException sql = (SQLException) failure;
      SQLException sqlCopy = new SQLException(message, sql.getSQLState(), sql.getErrorCode());
      copies.put(failure, sqlCopy);
      if (sql.getNextException() != null && sql.getNextException() != sql) {
        sqlCopy.setNextException((SQLException) copy(sql.getNextException(), copies));
      }
      copy = sqlCopy;
    } else {
      copy = new Exception(message);
      copies.put(failure, copy);
    }
    copy.setStackTrace(failure.getStackTrace());
    Throwable cause = failure.getCause();
    if (cause != null && cause != failure) {
      copy.initCause(copy(cause, copies));
    }
    return copy;
  }
}
