package dev.openaiconnector.knowledge.pgvector;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/** What a log can show of a failure. */
final class FailureText {
  private FailureText() {}

  /**
   * The stack trace, and every message of the failure's chain: causes, suppressed exceptions and
   * SQLException's next exceptions, as loggers that walk {@link SQLException#iterator()} print.
   */
  static String all(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    StringBuilder all = new StringBuilder(trace.toString());
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> todo = new ArrayDeque<>();
    todo.push(failure);
    while (!todo.isEmpty()) {
      Throwable next = todo.pop();
      if (!seen.add(next)) {
        continue;
      }
      all.append('\n').append(next).append('\n').append(next.getLocalizedMessage());
      if (next.getCause() != null) {
        todo.push(next.getCause());
      }
      if (next instanceof SQLException) {
        for (Throwable linked : (SQLException) next) {
          todo.push(linked);
        }
        SQLException following = ((SQLException) next).getNextException();
        if (following != null) {
          todo.push(following);
        }
      }
      for (Throwable suppressed : next.getSuppressed()) {
        todo.push(suppressed);
      }
    }
    return all.toString();
  }
}
