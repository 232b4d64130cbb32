package dev.openaiconnector.knowledge.pgvector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.ConnectorException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {
  @Test
  void redactsPasswordsInUrlsAndPropertyLists() {
    assertThat(SqlFailures.redact(
        "No suitable driver found for jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("No suitable driver found for jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    assertThat(SqlFailures.redact("jdbc:postgresql://app:s3cret@h:5432/db"))
        .isEqualTo("jdbc:postgresql://app:***@h:5432/db");
    assertThat(SqlFailures.redact("{user=u, password = s3cret, sslpassword=k3y}"))
        .doesNotContain("s3cret").doesNotContain("k3y");
    assertThat(SqlFailures.redact("FATAL: password authentication failed for user \"u\""))
        .isEqualTo("FATAL: password authentication failed for user \"u\"");
  }

  @Test
  void namesTheOperationAndTableAndKeepsTheSqlState() {
    ConnectorException failure = SqlFailures.wrap("search", "\"public\".\"docs\"",
        new SQLException("ERROR: relation \"docs\" does not exist\n  Position: 15", "42P01"));

    assertThat(failure).isInstanceOf(PgVectorException.class).hasMessage(
        "search on knowledge base table \"public\".\"docs\" failed: ERROR: relation \"docs\" does"
            + " not exist Position: 15 (SQLState 42P01)");
    assertThat(((PgVectorException) failure).sqlState()).contains("42P01");
    assertThat(failure.isRetriable()).isFalse();
  }

  @Test
  void transientStatesAreRetriable() {
    for (String state : new String[] {"08006", "53300", "40001", "40P01", "55P03", "57014",
        "57P01"}) {
      assertThat(SqlFailures.wrap("upsert", "t", new SQLException("x", state)))
          .as(state)
          .isInstanceOf(PgVectorUnavailableException.class);
    }
    assertThat(SqlFailures.wrap("upsert", "t", new SQLTransientConnectionException("pool empty")))
        .isInstanceOf(PgVectorUnavailableException.class);
    assertThat(SqlFailures.wrap("upsert", "t", new SQLException("x", "23505")))
        .isInstanceOf(PgVectorException.class);
  }

  @Test
  void aBatchFailureReportsTheDatabaseErrorNotTheStatementWithItsValues() {
    BatchUpdateException batch = new BatchUpdateException(
        "Batch entry 3 INSERT INTO t VALUES ('secret text', '[1,2]') was aborted", "23514",
        new int[0]);
    batch.setNextException(new SQLException("ERROR: violates check constraint \"c\"\n"
        + "  Detail: Failing row contains (id, secret text, {}, [1,2]).", "23514"));

    ConnectorException failure = SqlFailures.wrap("upsert", "t", batch);

    assertThat(failure.getMessage())
        .contains("violates check constraint \"c\"")
        .doesNotContain("secret text");
  }

  @Test
  void aCauseThatHoldsAPasswordIsReplacedByARedactedCopy() {
    SQLException original = new SQLException(
        "No suitable driver found for jdbc:x://h/db?password=hunter2", "08001",
        new IllegalStateException("inner password=hunter2"));

    ConnectorException failure = SqlFailures.wrap("open", "t", original);

    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString())
        .doesNotContain("hunter2")
        .contains("java.sql.SQLException: No suitable driver found for jdbc:x://h/db?password=***")
        .contains("java.lang.IllegalStateException: inner password=***");
    assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("08001");
    assertThat(failure.getCause().getStackTrace()).isEqualTo(original.getStackTrace());

    SQLException harmless = new SQLException("ERROR: syntax error", "42601");
    assertThat(SqlFailures.wrap("search", "t", harmless).getCause()).isSameAs(harmless);
  }
}
