package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.ConnectorException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link SQLException} into {@link PgVectorException} or {@link
 * PgVectorUnavailableException}, with a message that names the operation and the table and never
 * holds a password, a chunk's text or a vector.
 *
 * <p>Data reaches JDBC messages in three ways. PgJDBC's {@link BatchUpdateException} quotes the
 * failed statement with its parameter values ("Batch entry 3 INSERT ... ('text', '[0.1,...]') was
 * aborted"); a server error's "Detail: Failing row contains (...)" and "Where:" lines quote rows
 * and values; and {@code DriverManager} quotes the whole JDBC URL, password included ("No
 * suitable driver found for ..."). So the exception's message, and every message of its cause
 * chain (causes, next exceptions, suppressed), keeps only the server's primary message, its hint
 * and position, with passwords redacted. When any message of the chain had more, the chain is
 * replaced by cleaned copies that keep each original's class name (in the message), SQLState,
 * error code and stack trace.
 */
final class SqlFailures {
  private static final int MAX_MESSAGE = 500;
  /** PostgreSQL's identifiers have at most 63 bytes: a longer quoted string is data. */
  private static final int MAX_QUOTED = 63;

  /**
   * A secret's key and separator: {@code password=}, {@code sslpassword =}, {@code
   * spring.datasource.password=}, {@code "client_secret":}. Group 1 is the quote around a
   * JSON-style key, group 2 the separator.
   */
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i)(?<![\\w.-])([\"']?)[\\w.-]*?(?:password|passwd|pwd|secret|token)\\1\\s*([=:])\\s*");

  /** Where an unquoted value of a property list ends: before the next pair or a closing bracket. */
  private static final Pattern NEXT_PAIR =
      Pattern.compile(
          "[,;&]\\s*[\"']?[A-Za-z_][\\w.-]*[\"']?\\s*[=:]"
              + "|\\s+[A-Za-z_][\\w.-]*\\s*="
              + "|[}\\])](?=\\s|$|[,.;:}\\])])"
              + "|\\R");

  /** {@code user:secret@} in a URL. */
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]+@");

  private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");
  private static final Pattern LONG_QUOTED =
      Pattern.compile(
          "\"[^\"\\n]{" + (MAX_QUOTED + 1) + ",}\"|'[^'\\n]{" + (MAX_QUOTED + 1) + ",}'");
  private static final Pattern NUMBER_LIST = Pattern.compile("[\\[{(][\\s\\d.eE+,-]{32,}[\\]})]?");
  private static final Pattern FAILING_ROW = Pattern.compile("(?i)(Failing row contains).*");

  private SqlFailures() {}

  static ConnectorException wrap(String operation, String table, SQLException failure) {
    SQLException reported = failure;
    // A batch failure's own message is the statement with its values; the database's error is
    // the next exception.
    if (failure instanceof BatchUpdateException && failure.getNextException() != null) {
      reported = failure.getNextException();
    }
    @Nullable String sqlState = reported.getSQLState();
    String message =
        operation
            + " on knowledge base table "
            + table
            + " failed: "
            + clean(reported)
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

  /**
   * Replaces the values of passwords and other secrets with {@code ***}: in a URL's query ({@code
   * ?user=u&password=...}, up to the next {@code &}), in a property list ({@code {user=u,
   * password=..., ssl=true}}, {@code password=... dbname=x}, up to the next pair), quoted ({@code
   * password='...'}, {@code "password":"..."}, up to the closing quote), and {@code user:...@} in a
   * URL.
   */
  static String redact(String message) {
    StringBuilder redacted = new StringBuilder(message.length());
    Matcher key = SECRET_KEY.matcher(message);
    int copied = 0;
    int from = 0;
    while (from < message.length() && key.find(from)) {
      from = key.end();
      if (key.group(2).equals(":") && key.group(1).isEmpty()) {
        continue; // "token: x" is prose; only a JSON-style "token": "x" is a pair
      }
      int start = key.end();
      int end = valueEnd(message, key.start(), start);
      if (end <= start) {
        continue;
      }
      char first = message.charAt(start);
      boolean quoted = (first == '\'' || first == '"') && end - start >= 2
          && message.charAt(end - 1) == first;
      redacted.append(message, copied, start).append(quoted ? first + "***" + first : "***");
      copied = end;
      from = end;
    }
    redacted.append(message, copied, message.length());
    return USER_INFO.matcher(redacted).replaceAll("$1***@");
  }

  /** Where the value that starts at {@code start} ends (exclusive). */
  private static int valueEnd(String message, int keyStart, int start) {
    int length = message.length();
    if (start == length) {
      return start;
    }
    char first = message.charAt(start);
    if (first == '\'' || first == '"') {
      for (int i = start + 1; i < length; i++) {
        char c = message.charAt(i);
        if (c == '\\') {
          i++; // an escaped character, the quote included
        } else if (c == first) {
          if (i + 1 < length && message.charAt(i + 1) == first) {
            i++; // a doubled quote, as SQL writes one
          } else {
            return i + 1;
          }
        }
      }
      return lineEnd(message, start); // no closing quote: everything up to the line's end
    }
    char before = keyStart == 0 ? ' ' : message.charAt(keyStart - 1);
    if (before == '?' || before == '&') {
      // A URL's query: the value ends at the next parameter, whatever else it holds.
      for (int i = start; i < length; i++) {
        char c = message.charAt(i);
        if (c == '&' || Character.isWhitespace(c)) {
          return i;
        }
      }
      return length;
    }
    Matcher next = NEXT_PAIR.matcher(message);
    return next.find(start) ? Math.max(start, next.start()) : length;
  }

  private static int lineEnd(String message, int from) {
    for (int i = from; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return message.length();
  }

  /** The message of one failure, without data and secrets, as the chain's copies carry it. */
  static String clean(Throwable failure) {
    @Nullable String message = failure.getMessage();
    if (message == null) {
      return "";
    }
    if (failure instanceof BatchUpdateException) {
      // "Batch entry N <the statement with its values> was aborted: <the error>": the error is
      // the next exception, cleaned on its own.
      Matcher entry = BATCH_ENTRY.matcher(message);
      return entry.find()
          ? "Batch entry " + entry.group(1) + " was aborted (statement and values left out)"
          : "batch failed (statement and values left out)";
    }
    return abbreviate(redact(elideData(serverLines(message))));
  }

  /**
   * Keeps the primary message (the first line), a hint and a position; drops PostgreSQL's
   * "Detail:" (which quotes failing rows and keys), "Where:" (which quotes input lines), "Internal
   * Query:" and the rest.
   */
  private static String serverLines(String message) {
    StringBuilder kept = new StringBuilder();
    boolean first = true;
    for (String line : message.strip().split("\\R")) {
      String trimmed = line.strip();
      if (first || trimmed.startsWith("Hint:") || trimmed.startsWith("Position:")) {
        kept.append(kept.length() == 0 ? "" : " ").append(trimmed);
      }
      first = false;
    }
    return kept.toString();
  }

  /**
   * Leaves out a failing row wherever it is quoted, quoted strings too long to be identifiers,
   * and long lists of numbers (vectors).
   */
  private static String elideData(String message) {
    String withoutRow = FAILING_ROW.matcher(message).replaceAll("$1 (left out)");
    String shorter =
        LONG_QUOTED
            .matcher(withoutRow)
            .replaceAll(
                match ->
                    Matcher.quoteReplacement(
                        match.group().charAt(0)
                            + "("
                            + (match.group().length() - 2)
                            + " characters left out)"
                            + match.group().charAt(0)));
    return NUMBER_LIST.matcher(shorter).replaceAll("[numbers left out]");
  }

  private static String abbreviate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
  }

  /**
   * Returns the failure itself when none of its chain's messages holds more than {@link
   * #clean(Throwable)} keeps, or else a cleaned copy of the chain.
   */
  static Throwable safe(Throwable failure) {
    return needsCleaning(failure, new IdentityHashMap<>())
        ? copy(failure, new IdentityHashMap<>())
        : failure;
  }

  private static boolean needsCleaning(@Nullable Throwable failure, Map<Throwable, Boolean> seen) {
    if (failure == null || seen.put(failure, Boolean.TRUE) != null) {
      return false;
    }
    String message = failure.getMessage();
    if (message != null && !clean(failure).equals(message)) {
      return true;
    }
    for (Throwable suppressed : failure.getSuppressed()) {
      if (needsCleaning(suppressed, seen)) {
        return true;
      }
    }
    return (failure instanceof SQLException
            && needsCleaning(((SQLException) failure).getNextException(), seen))
        || needsCleaning(failure.getCause(), seen);
  }

  private static Throwable copy(Throwable failure, Map<Throwable, Throwable> copies) {
    Throwable done = copies.get(failure);
    if (done != null) {
      return done;
    }
    String message = failure.getClass().getName() + ": " + clean(failure);
    Throwable copy;
    if (failure instanceof SQLException) {
      SQLException sql = (SQLException) failure;
      SQLException sqlCopy = new SQLException(message, sql.getSQLState(), sql.getErrorCode());
      copies.put(failure, sqlCopy);
      SQLException next = sql.getNextException();
      if (next != null && next != sql) {
        sqlCopy.setNextException((SQLException) copy(next, copies));
      }
      copy = sqlCopy;
    } else {
      copy = new Exception(message);
      copies.put(failure, copy);
    }
    copy.setStackTrace(failure.getStackTrace());
    Throwable cause = failure.getCause();
    if (cause != null && cause != failure) {
      Throwable causeCopy = copy(cause, copies);
      if (causeCopy != copy) {
        copy.initCause(causeCopy);
      }
    }
    for (Throwable suppressed : failure.getSuppressed()) {
      Throwable suppressedCopy = copy(suppressed, copies);
      if (suppressedCopy != copy) {
        copy.addSuppressed(suppressedCopy);
      }
    }
    return copy;
  }
}
