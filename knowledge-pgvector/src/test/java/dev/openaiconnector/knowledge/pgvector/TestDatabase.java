package dev.openaiconnector.knowledge.pgvector;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL server with pgvector that the tests use, named by the JDBC URL in the
 * environment variable {@value #URL_VARIABLE} ({@code scripts/pgvector-server start} prints it).
 * Without it the tests are skipped, except when {@code CI} is {@code true}: then they fail.
 */
final class TestDatabase {
  static final String URL_VARIABLE = "OPENAI_CONNECTOR_PGVECTOR_URL";

  private static final Object LOCK = new Object();
  private static TestDatabase shared;

  private final String url;
  private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

  private TestDatabase(String url) {
    this.url = url;
    dataSource.setURL(url);
  }

  /**
   * Returns the database, or aborts the calling test (fails it when {@code CI=true}) with a
   * message that says how to start one.
   */
  static TestDatabase get() {
    synchronized (LOCK) {
      if (shared == null) {
        shared = new TestDatabase(locate(System.getenv(URL_VARIABLE), System.getenv("CI")));
      }
      return shared;
    }
  }

  static String locate(String url, String ci) {
    String missing = missingReason(url);
    if (missing == null) {
      return url.strip();
    }
    if (onCi(ci)) {
      throw new IllegalStateException(
          missing + " (CI=true: a missing database fails the build; .ci/run starts one)");
    }
    return Assumptions.abort(missing);
  }

  /** Says why the tests cannot run, or returns null when the URL is there. */
  static String missingReason(String url) {
    if (url != null && !url.isBlank()) {
      return null;
    }
    return URL_VARIABLE
        + " is not set, so the knowledge-pgvector tests have no PostgreSQL with pgvector to run"
        + " against; start one with: eval \"$(scripts/pgvector-server start)\"";
  }

  static boolean onCi(String ci) {
    return ci != null && ci.strip().toLowerCase(Locale.ROOT).equals("true");
  }

  /** The JDBC URL, with the test user's password. */
  String url() {
    return url;
  }

  /** The plain data source: a new connection per call, like a pool that never reuses. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Creates a schema of its own for a test class. */
  String createSchema(String purpose) {
    String schema =
        "test_" + purpose + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE SCHEMA " + schema);
    return schema;
  }

  void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  void execute(String sql) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
