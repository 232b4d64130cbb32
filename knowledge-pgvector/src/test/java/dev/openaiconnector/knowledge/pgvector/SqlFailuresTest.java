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
        .isEqualTo("{user=u, password = ***, sslpassword=***}");
    assertThat(SqlFailures.redact("FATAL: password authentication failed for user \"u\""))
        .isEqualTo("FATAL: password authentication failed for user \"u\"");
  }

  @Test
  void redactsQuotedPasswordsUpToTheClosingQuote() {
    assertThat(SqlFailures.redact("host=h password='hunter2' dbname=kb"))
        .isEqualTo("host=h password='***' dbname=kb");
    assertThat(SqlFailures.redact("host=h password='hun ter\\'2, x=y' dbname=kb"))
        .isEqualTo("host=h password='***' dbname=kb");
    assertThat(SqlFailures.redact("password=\"it''s \\\"hunter2\\\"\" user=u"))
        .isEqualTo("password=\"***\" user=u");
    assertThat(SqlFailures.redact(
        "{\"user\": \"u\", \"password\": \"hun\\\"ter2\", \"ssl\": true}"))
        .isEqualTo("{\"user\": \"u\", \"password\": \"***\", \"ssl\": true}");
    assertThat(SqlFailures.redact("password='never closed hunter2\nnext line"))
        .isEqualTo("password=***\nnext line");
  }

  @Test
  void aPropertyValueRunsToTheNextPairEvenThroughCommas() {
    assertThat(SqlFailures.redact("{user=u, password=ab,cd, ssl=true}"))
        .isEqualTo("{user=u, password=***, ssl=true}");
    assertThat(SqlFailures.redact("{user=u, password=ab,cd}"))
        .isEqualTo("{user=u, password=***}");
    assertThat(SqlFailures.redact("{password=my secret;x, user=u}"))
        .isEqualTo("{password=***, user=u}");
    assertThat(SqlFailures.redact("user=u;password=ab,cd;ssl=true"))
        .isEqualTo("user=u;password=***;ssl=true");
    assertThat(SqlFailures.redact("host=h password=ab,cd dbname=kb"))
        .isEqualTo("host=h password=*** dbname=kb");
    assertThat(SqlFailures.redact("spring.datasource.password=ab,cd client_secret=xyz"))
        .isEqualTo("spring.datasource.password=*** client_secret=***");
    // Nothing says where an unquoted value ends: all of the line goes.
    assertThat(SqlFailures.redact("password=ab,cd was rejected")).isEqualTo("password=***");
  }

  @Test
  void aUrlQueryValueRunsToTheNextParameterWhateverItHolds() {
    assertThat(SqlFailures.redact("jdbc:postgresql://h/db?password=ab,cd;e)f}g&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?password=***&ssl=true");
    assertThat(SqlFailures.redact("jdbc:postgresql://h/db?user=u&password=ab, cd=x"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=*** cd=x");
    assertThat(SqlFailures.redact("jdbc:postgresql://h/db?sslpassword='k,3y'&password=p"))
        .isEqualTo("jdbc:postgresql://h/db?sslpassword='***'&password=***");
    assertThat(SqlFailures.redact("jdbc:postgresql://h/db?password=&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?password=&ssl=true");
  }

  @Test
  void leavesOrdinaryMessagesAlone() {
    for (String message : new String[] {
        "ERROR: relation \"docs\" does not exist",
        "FATAL: password authentication failed for user \"knowledge\"",
        "ERROR: invalid token: x",
        "passwordless=true, tokens=3",
        "Connection to 127.0.0.1:1 refused."}) {
      assertThat(SqlFailures.redact(message)).isEqualTo(message);
    }
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
    String text = "the secret text of chunk 900";
    String vector = "[0.012345678,-0.98765432,0.5555555]";
    // As PgJDBC builds them: the server error is the batch exception's cause and next exception.
    SQLException server = new SQLException("ERROR: new row for relation \"kb_9\" violates check"
        + " constraint \"no_poison\"\n  Detail: Failing row contains (c00900, " + text + ", {},"
        + " " + vector + ").\n  Where: SQL statement \"INSERT ... '" + text + "'\"", "23514");
    BatchUpdateException batch = new BatchUpdateException("Batch entry 3 INSERT INTO kb_9 (id,"
        + " text, metadata, embedding) VALUES (('c00900'), ('" + text + "'), ('{}'::jsonb), ('"
        + vector + "'::vector)) ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text was aborted: "
        + server.getMessage() + "  Call getNextException to see other errors in the batch.",
        "23514", 0, new long[0], server);
    batch.setNextException(server);
    SQLException rollbackFailure = new SQLException("could not roll back: Failing row contains ("
        + text + ")\n  Detail: " + vector);
    batch.addSuppressed(rollbackFailure);

    ConnectorException failure = SqlFailures.wrap("upsert", "t", batch);

    assertThat(failure.getMessage()).isEqualTo("upsert on knowledge base table t failed: ERROR:"
        + " new row for relation \"kb_9\" violates check constraint \"no_poison\""
        + " (SQLState 23514)");
    assertThat(FailureText.all(failure))
        .doesNotContain(text)
        .doesNotContain("0.012345678")
        .doesNotContain("0.98765432")
        .doesNotContain("(c00900")
        .contains("java.sql.BatchUpdateException: Batch entry 3 was aborted (statement and values"
            + " left out)")
        .contains("violates check constraint \"no_poison\"");
    SQLException cause = (SQLException) failure.getCause();
    assertThat(cause.getSQLState()).isEqualTo("23514");
    assertThat(cause.getStackTrace()).isEqualTo(batch.getStackTrace());
    assertThat(cause.getNextException().getSQLState()).isEqualTo("23514");
    assertThat(cause.getNextException().getMessage())
        .isEqualTo("java.sql.SQLException: ERROR: new row for relation \"kb_9\" violates check"
            + " constraint \"no_poison\"");
  }

  @Test
  void keepsTheHintAndPositionButNotLongQuotedValuesOrNumberLists() {
    SQLException syntax = new SQLException("ERROR: invalid input syntax for type vector: \"["
        + "0.1,".repeat(40) + "0.1]\"\n  Hint: Vectors look like [1,2,3]\n  Position: 42",
        "22P02");

    ConnectorException failure = SqlFailures.wrap("search", "t", syntax);

    assertThat(failure.getMessage())
        .isEqualTo("search on knowledge base table t failed: ERROR: invalid input syntax for type"
            + " vector: \"(165 characters left out)\" Hint: Vectors look like [1,2,3]"
            + " Position: 42 (SQLState 22P02)");
    assertThat(FailureText.all(failure)).doesNotContain("0.1,0.1");
    assertThat(SqlFailures.wrap("upsert", "t", new SQLException(
        "ERROR: expected 3 dimensions, not 4 in (0.25, 0.5, 0.75, 0.125, 0.0625, 0.03125)",
        "22000")).getMessage())
        .contains("expected 3 dimensions, not 4 in [numbers left out]");
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
