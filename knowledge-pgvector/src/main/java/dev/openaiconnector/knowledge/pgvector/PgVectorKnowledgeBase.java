package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KnowledgeBase} in a PostgreSQL table with the pgvector extension, over plain JDBC.
 *
 * <pre>{@code
 * KnowledgeBase handbook = PgVectorKnowledgeBase.builder()
 *     .dataSource(dataSource)   // the application's pool, with the PostgreSQL JDBC driver
 *     .table("handbook")        // one table per knowledge base
 *     .dimensions(1536)         // text-embedding-3-small
 *     .build();                 // creates the table and its indexes if missing
 * }</pre>
 *
 * <p>The table, created if missing (and {@link Builder#createIfMissing(boolean)} is not turned
 * off), is
 *
 * <pre>{@code
 * CREATE TABLE "handbook" (
 *   "id"        text COLLATE "C" PRIMARY KEY,
 *   "text"      text NOT NULL,
 *   "metadata"  jsonb NOT NULL,
 *   "embedding" vector(1536) NOT NULL);
 * CREATE INDEX "handbook_embedding_hnsw" ON "handbook" USING hnsw ("embedding" vector_cosine_ops);
 * CREATE INDEX "handbook_metadata_gin" ON "handbook" USING gin ("metadata" jsonb_path_ops);
 * }</pre>
 *
 * <p>The HNSW index takes {@code WITH (m = ..., ef_construction = ...)} when {@link
 * Builder#hnswM(int)} or {@link Builder#hnswEfConstruction(int)} are set; an index already there
 * is kept as it is.
 *
 * <p>Searches order by cosine distance ({@code <=>}), then by id; the similarity is one minus the
 * distance; a minimum similarity is a bound on the distance, {@link
 * SearchOptions#SIMILARITY_TOLERANCE} wider; a filter is {@code metadata @>} the
 * filter's pairs, served by the GIN index, and so are {@link #count} and {@link
 * #deleteMatching}. Vectors are normalised to length 1 before they are stored and searched, so
 * that chunks of the same direction have exactly the same similarity and tie by id. An upsert
 * sends its chunks in JDBC batches inside one transaction, in id order so that concurrent upserts
 * of the same chunks cannot deadlock; it writes all of them or none.
 *
 * <p><b>Searches are approximate.</b> When PostgreSQL chooses the HNSW index (on all but small
 * tables), a search returns the nearest neighbours the graph finds, which are nearly always but
 * not provably the exact top {@code k}: a chunk may be missed, and then the next one takes its
 * place. The database's own settings stand unless a search needs more: {@code hnsw.ef_search}, the
 * size of the candidate list, is raised for a search whose {@code topK} exceeds it (as read when
 * the knowledge base was built; never lowered), and set for every search if {@link
 * Builder#efSearch(int)} was set, which trades speed for recall. A filtered search sets pgvector
 * 0.8's {@code hnsw.iterative_scan} to {@code strict_order}, so that the index goes on scanning
 * while filtered-out rows leave fewer than {@code topK} hits, up to pgvector's {@code
 * hnsw.max_scan_tuples} (20,000 by default); with pgvector before 0.8 a filter that matches few
 * chunks can return fewer than {@code topK} hits. These are {@code SET LOCAL}, in a transaction of
 * their own, and never leak into the pool's sessions; a search that needs none of them runs
 * without a transaction. Use {@link
 * Builder#hnswIndex(boolean) hnswIndex(false)} for exact searches by a full scan, and for more
 * than 2,000 dimensions, the most an HNSW index on {@code vector} takes.
 *
 * <p>Requirements: PostgreSQL 13 or later with pgvector 0.5 or later (0.8 for filtered searches
 * that always fill {@code topK}), the extension's schema on the {@code search_path}, and the
 * PostgreSQL JDBC driver ({@code org.postgresql:postgresql}), which the application supplies with
 * its {@code DataSource}. The extension is created if missing, which needs a user allowed to
 * create it. Building takes a transaction-level advisory lock, the same for every knowledge base
 * ({@code pg_advisory_xact_lock(}{@value #DDL_LOCK_KEY}{@code )}), so that applications starting at
 * once create the extension, a schema and their tables one after the other.
 *
 * <p>Thread-safe: the knowledge base holds no connection; each call takes one from the {@code
 * DataSource} and gives it back. {@link #close()} leaves the {@code DataSource} open.
 *
 * <p>Failures:
 *
 * <ul>
 *   <li>a database failure, in {@link Builder#build()} or any call, is a {@link
 *       PgVectorUnavailableException} (a {@link dev.openaiconnector.api.RetriableException}) when a
 *       later attempt may pass: no connection, a deadlock or serialization failure, a timeout, a
 *       server shutting down (SQLState classes {@code 08} and {@code 53}, {@code 40001}, {@code
 *       40P01}, {@code 55P03}, {@code 57014}, {@code 57P01} to {@code 57P03}); and a {@link
 *       PgVectorException} (a {@link dev.openaiconnector.api.NonRetriableException}) otherwise: a
 *       missing table or privilege, a table of other dimensions or columns, a constraint. Both name
 *       the operation, the table and the SQLState; neither holds a password, a chunk's text or a
 *       vector, in its message or its causes;
 *   <li>missing settings, or dimensions the HNSW index cannot take, are a {@link
 *       ConfigurationException} from {@link Builder#build()}, before any connection;
 *   <li>a bad argument (a vector of other dimensions, zero or not finite, a duplicate id) is an
 *       {@link IllegalArgumentException} before any SQL, and a call after {@link #close()} an
 *       {@link IllegalStateException}.
 * </ul>
 */
public final class PgVectorKnowledgeBase implements KnowledgeBase {
  /** The most dimensions an HNSW index on a {@code vector} column takes. */
  public static final int MAX_INDEXED_DIMENSIONS = 2000;

  /** The most dimensions a {@code vector} column takes. */
  public static final int MAX_DIMENSIONS = 16000;

  /** The longest table name: the index names add up to 15 characters to PostgreSQL's 63. */
  public static final int MAX_TABLE_NAME_LENGTH = 48;

  private static final String SELECT_COLUMNS =
      "\"id\", \"text\", \"metadata\"::text, \"embedding\"::text";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final int MAX_IDENTIFIER_LENGTH = 63;
  private static final int BATCH_SIZE = 256;
  /** pgvector's default {@code hnsw.ef_search}. */
  private static final int PGVECTOR_EF_SEARCH = 40;
  /**
   * The key of the advisory lock that {@link Builder#build()} holds while it checks and creates
   * the extension, the schema, the table and its indexes: one key for every knowledge base, since
   * two tables of one new schema, or two databases' first tables, share the schema and the
   * extension they create. "oac-kb" in ASCII.
   */
  public static final long DDL_LOCK_KEY = 0x6f61_632d_6b62L;

  private final DataSource dataSource;
  private final String qualifiedTable;
  private final int dimensions;
  private final boolean indexed;
  /** The builder's efSearch, or null to leave the database's setting unless topK exceeds it. */
  private final @Nullable Integer efSearch;
  /** {@code hnsw.ef_search} as the database had it when the knowledge base was built. */
  private final int databaseEfSearch;
  private final boolean iterativeScan;
  private final String upsertSql;
  private volatile boolean closed;

  private PgVectorKnowledgeBase(Builder builder, String qualifiedTable, Opened opened) {
    this.dataSource = Objects.requireNonNull(builder.dataSource);
    this.qualifiedTable = qualifiedTable;
    this.dimensions = builder.dimensions;
    this.indexed = builder.hnswIndex;
    this.efSearch = builder.efSearch;
    this.databaseEfSearch = opened.efSearch();
    this.iterativeScan = opened.iterativeScan();
    this.upsertSql =
        "INSERT INTO "
            + qualifiedTable
            + " (\"id\", \"text\", \"metadata\", \"embedding\") VALUES (?, ?, ?::jsonb, ?::vector)"
            + " ON CONFLICT (\"id\") DO UPDATE SET \"text\" = EXCLUDED.\"text\","
            + " \"metadata\" = EXCLUDED.\"metadata\", \"embedding\" = EXCLUDED.\"embedding\"";
  }

  /**
   * Starts a knowledge base; {@link Builder#dataSource}, {@link Builder#table} and {@link
   * Builder#dimensions} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  /**
   * Returns the table that holds this knowledge base.
   *
   * @return the quoted name, schema-qualified if a schema was set, for example {@code
   *     "rag"."handbook"}
   */
  public String table() {
    return qualifiedTable;
  }

  @Override
  public void upsert(List<KnowledgeChunk> chunks) {
    Objects.requireNonNull(chunks, "chunks");
    ensureOpen();
    if (chunks.isEmpty()) {
      return;
    }
    // Everything is checked before the first statement: a rejected chunk writes nothing.
    List<KnowledgeChunk> sorted = new ArrayList<>(chunks.size());
    Set<String> ids = new HashSet<>();
    for (KnowledgeChunk chunk : chunks) {
      Objects.requireNonNull(chunk, "chunks must not contain null");
      if (!ids.add(chunk.id())) {
        throw new IllegalArgumentException(
            "chunk id '" + chunk.id() + "' appears twice in one upsert; ids must be unique");
      }
      // KnowledgeChunk has rejected what PostgreSQL cannot store (U+0000, lone surrogates) and
      // values that are not finite.
      checkVector(chunk.vector(), "vector of chunk '" + chunk.id() + "'");
      sorted.add(chunk);
    }
    sorted.sort(Comparator.comparing(KnowledgeChunk::id));
    inTransaction(
        "upsert",
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(upsertSql)) {
            int pending = 0;
            for (KnowledgeChunk chunk : sorted) {
              insert.setString(1, chunk.id());
              insert.setString(2, chunk.text());
              insert.setString(3, MetadataJson.write(chunk.metadata()));
              insert.setString(4, VectorText.format(normalised(chunk.vector())));
              insert.addBatch();
              if (++pending == BATCH_SIZE) {
                insert.executeBatch();
                pending = 0;
              }
            }
            if (pending > 0) {
              insert.executeBatch();
            }
          }
          return null;
        });
  }

  @Override
  public int delete(Collection<String> ids) {
    Objects.requireNonNull(ids, "ids");
    ensureOpen();
    Set<String> storable = new LinkedHashSet<>();
    for (String id : ids) {
      // An id PostgreSQL cannot store is not stored: nothing to delete.
      if (storable(Objects.requireNonNull(id, "ids must not contain null"))) {
        storable.add(id);
      }
    }
    if (storable.isEmpty()) {
      return 0;
    }
    return inTransaction(
        "delete",
        connection -> {
          Array array = connection.createArrayOf("text", storable.toArray());
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM " + qualifiedTable + " WHERE \"id\" = ANY (?)")) {
            delete.setArray(1, array);
            return delete.executeUpdate();
          } finally {
            array.free();
          }
        });
  }

  @Override
  public int deleteMatching(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    if (metadata.isEmpty()) {
      throw new IllegalArgumentException(
          "metadata must not be empty: that would delete every chunk");
    }
    checkFilter(metadata, "metadata");
    ensureOpen();
    if (!storable(metadata)) {
      return 0;
    }
    return inTransaction(
        "delete matching",
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM " + qualifiedTable + " WHERE \"metadata\" @> ?::jsonb")) {
            delete.setString(1, MetadataJson.write(metadata));
            return delete.executeUpdate();
          }
        });
  }

  @Override
  public List<KnowledgeHit> search(float[] vector, SearchOptions options) {
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(options, "options");
    checkQuery(vector);
    ensureOpen();
    if (!storable(options.filter())) {
      return List.of();
    }
    String sql = searchSql(options);
    @Nullable String tuning = indexed ? tuningSql(options) : null;
    Work<List<KnowledgeHit>> work =
        connection -> {
          if (tuning != null) {
            try (PreparedStatement set = connection.prepareStatement(tuning)) {
              bindTuning(set, options);
              set.executeQuery().close();
            }
          }
          try (PreparedStatement search = connection.prepareStatement(sql)) {
            bindSearch(search, vector, options);
            List<KnowledgeHit> hits = new ArrayList<>(Math.min(options.topK(), 64));
            try (ResultSet rows = search.executeQuery()) {
              while (rows.next()) {
                double similarity = 1.0 - rows.getDouble(5);
                hits.add(new KnowledgeHit(chunk(rows), Math.max(-1.0, Math.min(1.0, similarity))));
              }
            }
            return hits;
          }
        };
    // SET LOCAL needs a transaction; a search that sets nothing needs none.
    return tuning != null ? inTransaction("search", work) : read("search", work);
  }

  /**
   * The statement a search runs; package-private so that tests can EXPLAIN it.
   *
   * <p>The query vector is one parameter, referenced once and bound as a {@code vector} (not as
   * text cast per row), so that the server parses it once. A minimum similarity filters the
   * nearest chunks in the outer query: every chunk within the bound is nearer than every chunk
   * outside it, so filtering the top {@code k} gives the top {@code k} of the chunks within the
   * bound, and the index stops after {@code k} chunks instead of scanning on for more.
   */
  String searchSql(SearchOptions options) {
    String filter = options.filter().isEmpty() ? "" : " WHERE \"metadata\" @> ?::jsonb";
    // Equal distances are ordered by id. COLLATE "C": in the order of Java's String.compareTo
    // (but for a few characters outside the Basic Multilingual Plane), whatever the collation.
    String order = " ORDER BY distance, \"id\" COLLATE \"C\"";
    // PostgreSQL uses an ordering index only when it serves the whole ORDER BY, and the HNSW
    // index knows only the distance: the inner query takes the nearest chunks by distance alone,
    // WITH TIES so that every chunk as near as the last one comes along, and the outer query
    // orders those by distance and id. Without the index the inner query sorts by both.
    String nearest =
        indexed ? " ORDER BY distance FETCH FIRST (?) ROWS WITH TIES" : order + " LIMIT ?";
    return "SELECT \"id\", \"text\", \"metadata\"::text, \"embedding\"::text, distance FROM"
        + " (SELECT \"id\", \"text\", \"metadata\", \"embedding\", \"embedding\" <=> ?::vector"
        + " AS distance FROM " + qualifiedTable + filter + nearest + ") AS nearest"
        + (options.minSimilarity().isPresent() ? " WHERE distance <= ?" : "")
        + order + " LIMIT ?";
  }

  /** Sets the parameters of {@link #searchSql}. */
  void bindSearch(PreparedStatement search, float[] vector, SearchOptions options)
      throws SQLException {
    int parameter = 1;
    // Types.OTHER: PgJDBC sends the text untyped, so that the server takes the parameter as a
    // vector and parses it once; as a varchar it would be cast, and a generic plan casts per row.
    search.setObject(parameter++, VectorText.format(normalised(vector)), Types.OTHER);
    if (!options.filter().isEmpty()) {
      search.setString(parameter++, MetadataJson.write(options.filter()));
    }
    search.setInt(parameter++, options.topK());
    OptionalDouble minSimilarity = options.minSimilarity();
    if (minSimilarity.isPresent()) {
      // Float rounding leaves the same direction a little below 1: within the tolerance it counts.
      search.setDouble(
          parameter++, 1.0 - minSimilarity.getAsDouble() + SearchOptions.SIMILARITY_TOLERANCE);
    }
    search.setInt(parameter, options.topK());
  }

  /**
   * The statement that sets what a search through the index needs, or null when it needs
   * nothing: the database's {@code hnsw.ef_search} already covers {@code topK} and no efSearch was
   * set on the builder, and there is no filter (or no iterative scan before pgvector 0.8).
   */
  @Nullable String tuningSql(SearchOptions options) {
    boolean setEfSearch = efSearch != null || options.topK() > databaseEfSearch;
    boolean setIterativeScan = iterativeScan && !options.filter().isEmpty();
    if (!setEfSearch && !setIterativeScan) {
      return null;
    }
    // set_config(..., true) is SET LOCAL: it ends with the transaction and never leaks into the
    // pooled connection's session. Without efSearch on the builder, GREATEST never lowers what
    // the session has (a pool may have raised it).
    String ef =
        efSearch != null
            ? "set_config('hnsw.ef_search', ?, true)"
            : "set_config('hnsw.ef_search', GREATEST(COALESCE(current_setting('hnsw.ef_search',"
                + " true), '0')::int, ?)::text, true)";
    String iterative = "set_config('hnsw.iterative_scan', 'strict_order', true)";
    return "SELECT "
        + (setEfSearch && setIterativeScan
            ? ef + ", " + iterative
            : setEfSearch ? ef : iterative);
  }

  /** Sets the parameters of {@link #tuningSql}. */
  void bindTuning(PreparedStatement set, SearchOptions options) throws SQLException {
    if (efSearch != null) {
      set.setString(1, Integer.toString(Math.max(efSearch, options.topK())));
    } else if (options.topK() > databaseEfSearch) {
      set.setInt(1, options.topK());
    }
  }

  @Override
  public Optional<KnowledgeChunk> get(String id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    if (!storable(id)) {
      return Optional.empty();
    }
    return read(
        "get",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT " + SELECT_COLUMNS + " FROM " + qualifiedTable + " WHERE \"id\" = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(chunk(rows)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public long count(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    checkFilter(metadata, "metadata");
    ensureOpen();
    if (!storable(metadata)) {
      return 0;
    }
    return read(
        "count",
        connection -> {
          String sql =
              "SELECT count(*) FROM "
                  + qualifiedTable
                  + (metadata.isEmpty() ? "" : " WHERE \"metadata\" @> ?::jsonb");
          try (PreparedStatement count = connection.prepareStatement(sql)) {
            if (!metadata.isEmpty()) {
              count.setString(1, MetadataJson.write(metadata));
            }
            try (ResultSet rows = count.executeQuery()) {
              rows.next();
              return rows.getLong(1);
            }
          }
        });
  }

  /** Marks the knowledge base closed; the table and the application's {@code DataSource} stay. */
  @Override
  public void close() {
    closed = true;
  }

  /** Names the table and the dimensions. */
  @Override
  public String toString() {
    return "PgVectorKnowledgeBase[table="
        + qualifiedTable
        + ", dimensions="
        + dimensions
        + (indexed ? ", hnsw" : ", exact")
        + (closed ? ", closed" : "")
        + "]";
  }

  private KnowledgeChunk chunk(ResultSet row) throws SQLException {
    String id = row.getString(1);
    try {
      return new KnowledgeChunk(
          id,
          row.getString(2),
          MetadataJson.read(row.getString(3)),
          VectorText.parse(row.getString(4), dimensions));
    } catch (IllegalArgumentException e) {
      throw new SQLException("chunk '" + id + "' cannot be read: " + e.getMessage(), "XX000", e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("knowledge base " + qualifiedTable + " is closed");
    }
  }

  /** Checks a query vector as the in-memory knowledge base does: length, finite, not zero. */
  private void checkQuery(float[] vector) {
    if (vector.length != dimensions) {
      throw new IllegalArgumentException(
          "the query vector has "
              + vector.length
              + " dimensions, and knowledge base "
              + qualifiedTable
              + " holds vectors of "
              + dimensions
              + "; embed the query with the same model and dimensions as the chunks");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            "the query vector has a value that is not finite at index " + i);
      }
    }
    if (norm(vector) == 0) {
      throw new IllegalArgumentException(
          "the query vector is zero: it has no direction and so no cosine similarity");
    }
  }

  private void checkVector(float[] vector, String what) {
    if (vector.length != dimensions) {
      throw new IllegalArgumentException(
          what
              + " has "
              + vector.length
              + " dimensions; knowledge base "
              + qualifiedTable
              + " has "
              + dimensions);
    }
    if (norm(vector) == 0) {
      throw new IllegalArgumentException(what + " is zero and has no direction");
    }
  }

  private static void checkFilter(Map<String, String> filter, String name) {
    filter.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, name + " must not contain a null key");
          Objects.requireNonNull(value, name + " must not contain a null value");
        });
  }

  /** Tells whether a string can be stored; one that cannot (U+0000, a lone surrogate) is not. */
  private static boolean storable(String value) {
    return KnowledgeChunk.indexOfUnstorable(value) < 0;
  }

  private static boolean storable(Map<String, String> filter) {
    for (Map.Entry<String, String> pair : filter.entrySet()) {
      if (!storable(pair.getKey()) || !storable(pair.getValue())) {
        return false; // no stored chunk can have this pair
      }
    }
    return true;
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float value : vector) {
      sum += (double) value * value;
    }
    return Math.sqrt(sum);
  }

  /** The vector scaled to length 1, as it is stored and searched. */
  static float[] normalised(float[] vector) {
    double norm = norm(vector);
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] / norm);
    }
    return unit;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs a read; commits only if the pool hands out connections without auto-commit. */
  private <T> T read(String operation, Work<T> work) {
    return run(dataSource, operation, qualifiedTable, work, false, false);
  }

  private <T> T inTransaction(String operation, Work<T> work) {
    return run(dataSource, operation, qualifiedTable, work, true, false);
  }

  /**
   * Runs work on a connection of its own, in a transaction if asked (or if the pool hands out
   * connections without auto-commit), read committed if asked; gives the connection back with the
   * auto-commit and isolation it came with.
   */
  private static <T> T run(
      DataSource dataSource,
      String operation,
      String table,
      Work<T> work,
      boolean transaction,
      boolean readCommitted) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit && !transaction) {
        return work.run(connection);
      }
      int isolation =
          readCommitted
              ? connection.getTransactionIsolation()
              : Connection.TRANSACTION_READ_COMMITTED;
      T result;
      try {
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        if (autoCommit) {
          connection.setAutoCommit(false);
        }
        result = work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException | Error failure) {
        try {
          connection.rollback();
          restore(connection, autoCommit, isolation);
        } catch (SQLException cleanupFailure) {
          failure.addSuppressed(SqlFailures.safe(cleanupFailure));
        }
        throw failure;
      }
      restore(connection, autoCommit, isolation);
      return result;
    } catch (SQLException failure) {
      throw SqlFailures.wrap(operation, table, failure);
    }
  }

  /** The pool gets the connection back as it gave it. */
  private static void restore(Connection connection, boolean autoCommit, int isolation)
      throws SQLException {
    if (autoCommit) {
      connection.setAutoCommit(true);
    }
    if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
      connection.setTransactionIsolation(isolation);
    }
  }

  // ---------------------------------------------------------------------------------- opening

  /** What building learnt of the database. */
  private record Opened(boolean iterativeScan, int efSearch) {}

  private static PgVectorKnowledgeBase open(Builder builder) {
    String table = quote(Objects.requireNonNull(builder.table));
    String qualified = builder.schema == null ? table : quote(builder.schema) + "." + table;
    Opened opened =
        run(
            Objects.requireNonNull(builder.dataSource),
            "open",
            qualified,
            connection -> prepare(connection, builder, qualified),
            true,
            // After waiting for the lock, the checks must see what the lock's previous holder
            // committed: a new snapshot per statement, whatever isolation the pool sets.
            builder.createIfMissing);
    return new PgVectorKnowledgeBase(builder, qualified, opened);
  }

  /** Checks or creates the extension, the table and its indexes; reads pgvector's settings. */
  private static Opened prepare(Connection connection, Builder builder, String qualified)
      throws SQLException {
    String table = Objects.requireNonNull(builder.table);
    if (builder.createIfMissing) {
      // Applications starting at once take turns: one key for all, since two new tables may share
      // a new schema, and every table the extension.
      try (PreparedStatement lock =
          connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, DDL_LOCK_KEY);
        lock.executeQuery().close();
      }
    }
    @Nullable String version = extensionVersion(connection);
    if (version == null) {
      if (!builder.createIfMissing) {
        throw new SQLException(
            "the vector extension is not created in this database; run CREATE EXTENSION vector",
            "42704");
      }
      try (PreparedStatement create =
          connection.prepareStatement("CREATE EXTENSION IF NOT EXISTS vector")) {
        create.execute();
      } catch (SQLException e) {
        throw new SQLException(
            "the vector extension is not created in this database and could not be: "
                + e.getMessage()
                + "; install pgvector on the server and have a user allowed to run CREATE"
                + " EXTENSION vector do so",
            e.getSQLState(),
            e);
      }
      version = Objects.requireNonNull(extensionVersion(connection));
    }
    Map<String, String> columns = columns(connection, qualified);
    if (columns.isEmpty()) {
      if (!builder.createIfMissing) {
        throw new SQLException("the table does not exist, and createIfMissing is off", "42P01");
      }
      if (builder.schema != null && !schemaExists(connection, builder.schema)) {
        // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even
        // when the schema is there.
        execute(connection, "CREATE SCHEMA " + quote(builder.schema));
      }
      execute(
          connection,
          "CREATE TABLE "
              + qualified
              + " (\"id\" text COLLATE \"C\" PRIMARY KEY, \"text\" text NOT NULL,"
              + " \"metadata\" jsonb NOT NULL, \"embedding\" vector("
              + builder.dimensions
              + ") NOT NULL)");
    } else {
      checkColumns(columns, builder.dimensions);
    }
    if (builder.createIfMissing) {
      // Indexes are looked for by kind, not by name: one made by hand under another name counts.
      List<String> indexes = indexDefinitions(connection, qualified);
      if (builder.hnswIndex
          && indexes.stream()
              .noneMatch(index -> index.contains(" USING hnsw (embedding vector_cosine_ops)"))) {
        execute(
            connection,
            "CREATE INDEX "
                + quote(table + "_embedding_hnsw")
                + " ON "
                + qualified
                + " USING hnsw (\"embedding\" vector_cosine_ops)"
                + hnswParameters(builder));
      }
      if (indexes.stream().noneMatch(index -> index.contains(" USING gin (metadata"))) {
        execute(
            connection,
            "CREATE INDEX "
                + quote(table + "_metadata_gin")
                + " ON "
                + qualified
                + " USING gin (\"metadata\" jsonb_path_ops)");
      }
    }
    return new Opened(
        atLeast(version, 0, 8), builder.hnswIndex ? efSearchSetting(connection) : 0);
  }

  // Only what was set: pgvector's defaults (m = 16, ef_construction = 64) stay pgvector's.
  private static String hnswParameters(Builder builder) {
    List<String> parameters = new ArrayList<>(2);
    if (builder.hnswM != null) {
      parameters.add("m = " + builder.hnswM);
    }
    if (builder.hnswEfConstruction != null) {
      parameters.add("ef_construction = " + builder.hnswEfConstruction);
    }
    return parameters.isEmpty() ? "" : " WITH (" + String.join(", ", parameters) + ")";
  }

  /** The session's {@code hnsw.ef_search}, as the database, the role or the pool set it. */
  private static int efSearchSetting(Connection connection) throws SQLException {
    // pgvector defines its settings when its library loads, on the first use of the type in a
    // session; before that only a value set in the configuration is known.
    execute(connection, "SELECT '[1]'::vector");
    try (PreparedStatement select =
            connection.prepareStatement("SELECT current_setting('hnsw.ef_search', true)");
        ResultSet rows = select.executeQuery()) {
      @Nullable String value = rows.next() ? rows.getString(1) : null;
      try {
        return value == null ? PGVECTOR_EF_SEARCH : Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        return PGVECTOR_EF_SEARCH;
      }
    }
  }

  private static boolean schemaExists(Connection connection, String schema) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      select.setString(1, schema);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static @Nullable String extensionVersion(Connection connection) throws SQLException {
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
        ResultSet rows = select.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  /** The columns of the table, by name, with their types as PostgreSQL prints them. */
  private static Map<String, String> columns(Connection connection, String qualified)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped")) {
      select.setString(1, qualified);
      try (ResultSet rows = select.executeQuery()) {
        Map<String, String> columns = new LinkedHashMap<>();
        while (rows.next()) {
          columns.put(rows.getString(1), rows.getString(2));
        }
        return columns;
      }
    }
  }

  private static List<String> indexDefinitions(Connection connection, String qualified)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = to_regclass(?)")) {
      select.setString(1, qualified);
      try (ResultSet rows = select.executeQuery()) {
        List<String> definitions = new ArrayList<>();
        while (rows.next()) {
          definitions.add(rows.getString(1));
        }
        return definitions;
      }
    }
  }

  private static void checkColumns(Map<String, String> columns, int dimensions)
      throws SQLException {
    String embedding = columns.get("embedding");
    if (embedding != null && embedding.matches("vector\\(\\d+\\)")
        && !embedding.equals("vector(" + dimensions + ")")) {
      throw new SQLException(
          "the table exists with "
              + embedding.substring(7, embedding.length() - 1)
              + " dimensions, not "
              + dimensions
              + "; use another table for vectors of another model, or the same dimensions",
          "42804");
    }
    Map<String, String> expected =
        Map.of(
            "id", "text",
            "text", "text",
            "metadata", "jsonb",
            "embedding", "vector(" + dimensions + ")");
    for (Map.Entry<String, String> column : expected.entrySet()) {
      if (!column.getValue().equals(columns.get(column.getKey()))) {
        throw new SQLException(
            "the table exists but is not a knowledge base table: expected columns "
                + "id text, text text, metadata jsonb, embedding vector("
                + dimensions
                + "), found "
                + columns,
            "42804");
      }
    }
  }

  private static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.split("\\.");
    try {
      int actualMajor = Integer.parseInt(parts[0]);
      int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
      return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }

  /** Quotes a checked identifier; doubling quotes keeps it safe even if the check were wrong. */
  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String checkIdentifier(String value, String name, int maxLength) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()
        || value.length() > maxLength
        || !IDENTIFIER.matcher(value).matches()
        || value.startsWith("pg_")) {
      throw new IllegalArgumentException(
          name
              + " must be 1 to "
              + maxLength
              + " lower-case letters, digits and underscores, start with a letter or"
              + " underscore, and not start with pg_; was '"
              + value.replace("\0", "\\0")
              + "'");
    }
    return value;
  }

  /**
   * Builds a {@link PgVectorKnowledgeBase}; not thread-safe. Each setter rejects a bad value at
   * once, and {@link #build()} reports every problem left in one {@link ConfigurationException}.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable String schema;
    private @Nullable String table;
    private int dimensions;
    private boolean createIfMissing = true;
    private boolean hnswIndex = true;
    private @Nullable Integer efSearch;
    private @Nullable Integer hnswM;
    private @Nullable Integer hnswEfConstruction;

    private Builder() {}

    /**
     * Sets where connections come from: the application's pool, with the PostgreSQL JDBC driver.
     * The knowledge base never closes it.
     *
     * @param dataSource the data source
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Sets the schema of the table; without one, the table is found and created through the
     * connection's {@code search_path} (normally {@code public}). A missing schema is created
     * with the table.
     *
     * @param schema 1 to 63 lower-case letters, digits and underscores, not starting with a digit
     *     or {@code pg_}
     * @return this builder
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public Builder schema(String schema) {
      this.schema = checkIdentifier(schema, "schema", MAX_IDENTIFIER_LENGTH);
      return this;
    }

    /**
     * Sets the name of the knowledge base, which is the name of its table. Names are checked, not
     * just quoted, so that the table is easy to name in SQL by hand.
     *
     * @param table 1 to {@value PgVectorKnowledgeBase#MAX_TABLE_NAME_LENGTH} lower-case letters,
     *     digits and underscores, not starting with a digit or {@code pg_}
     * @return this builder
     * @throws IllegalArgumentException if the name is not such an identifier
     */
    public Builder table(String table) {
      this.table = checkIdentifier(table, "table", MAX_TABLE_NAME_LENGTH);
      return this;
    }

    /**
     * Sets the number of dimensions of the vectors, fixed for the table's life: that of the
     * embedding model, for example 1536 for {@code text-embedding-3-small}.
     *
     * @param dimensions from 1 to {@value PgVectorKnowledgeBase#MAX_INDEXED_DIMENSIONS} with the
     *     HNSW index, to {@value PgVectorKnowledgeBase#MAX_DIMENSIONS} without; for larger
     *     embeddings ask the model for fewer dimensions (OpenAI's {@code dimensions} parameter)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder dimensions(int dimensions) {
      if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
        throw new IllegalArgumentException(
            "dimensions must be from 1 to " + MAX_DIMENSIONS + ", was " + dimensions);
      }
      this.dimensions = dimensions;
      return this;
    }

    /**
     * Sets whether {@link #build()} creates what is missing: the extension, the schema, the table
     * and its indexes. When off, a missing table is an error, and the indexes are not checked.
     *
     * @param createIfMissing true unless set
     * @return this builder
     */
    public Builder createIfMissing(boolean createIfMissing) {
      this.createIfMissing = createIfMissing;
      return this;
    }

    /**
     * Sets whether the table has an HNSW index for fast, approximate searches, or is scanned
     * whole for exact ones.
     *
     * @param hnswIndex true unless set; false allows more than {@value
     *     PgVectorKnowledgeBase#MAX_INDEXED_DIMENSIONS} dimensions
     * @return this builder
     */
    public Builder hnswIndex(boolean hnswIndex) {
      this.hnswIndex = hnswIndex;
      return this;
    }

    /**
     * Sets pgvector's {@code hnsw.ef_search} for every search: the size of the candidate list,
     * more for better recall, fewer for speed. A search uses at least its {@code topK}. Unless
     * set, searches keep the database's setting (pgvector's default is 40) and raise it only for
     * a larger {@code topK}.
     *
     * @param efSearch from 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder efSearch(int efSearch) {
      if (efSearch < 1 || efSearch > 1000) {
        throw new IllegalArgumentException("efSearch must be from 1 to 1000, was " + efSearch);
      }
      this.efSearch = efSearch;
      return this;
    }

    /**
     * Sets the HNSW index's {@code m}, the connections of each node in the graph: more for better
     * recall on high-dimensional embeddings, at the cost of a larger index and slower inserts.
     * Used when the index is created; an index already there is kept as it is (drop it to
     * rebuild it with other settings). Unless set, pgvector's default (16).
     *
     * @param m from 2 to 100
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder hnswM(int m) {
      if (m < 2 || m > 100) {
        throw new IllegalArgumentException("hnswM must be from 2 to 100, was " + m);
      }
      this.hnswM = m;
      return this;
    }

    /**
     * Sets the HNSW index's {@code ef_construction}, the candidate list while the graph is built:
     * more for better recall, at the cost of slower inserts. At least twice {@code m}. Used when
     * the index is created, as {@link #hnswM(int)} is. Unless set, pgvector's default (64).
     *
     * @param efConstruction from 4 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder hnswEfConstruction(int efConstruction) {
      if (efConstruction < 4 || efConstruction > 1000) {
        throw new IllegalArgumentException(
            "hnswEfConstruction must be from 4 to 1000, was " + efConstruction);
      }
      this.hnswEfConstruction = efConstruction;
      return this;
    }

    /**
     * Connects, checks the table (creating what is missing, unless turned off) and returns the
     * knowledge base.
     *
     * @return the knowledge base
     * @throws ConfigurationException before connecting, listing every problem: the data source,
     *     the table or the dimensions not set, or more dimensions than the HNSW index takes
     * @throws PgVectorException if the table has other dimensions or columns, or is missing and
     *     may not be created, or the extension is missing and may not be created
     * @throws PgVectorUnavailableException if the database cannot be reached, or another failure
     *     that a later attempt may not meet
     */
    public PgVectorKnowledgeBase build() {
      List<String> problems = new ArrayList<>();
      if (dataSource == null) {
        problems.add(
            "dataSource is required; set it with dataSource(pool), the application's DataSource"
                + " with the PostgreSQL JDBC driver");
      }
      if (table == null) {
        problems.add(
            "table is required; set it with table(\"handbook\"), the name of the knowledge base's"
                + " table");
      }
      if (dimensions == 0) {
        problems.add(
            "dimensions is required; set it with dimensions(1536), the embedding model's (1536"
                + " for text-embedding-3-small)");
      } else if (hnswIndex && dimensions > MAX_INDEXED_DIMENSIONS) {
        problems.add(
            "dimensions is "
                + dimensions
                + ", and an HNSW index takes at most "
                + MAX_INDEXED_DIMENSIONS
                + "; ask the embedding model for at most "
                + MAX_INDEXED_DIMENSIONS
                + " dimensions, or set hnswIndex(false) for exact searches without an index");
      }
      int m = hnswM == null ? 16 : hnswM;
      int efConstruction = hnswEfConstruction == null ? 64 : hnswEfConstruction;
      if (efConstruction < 2 * m) {
        problems.add(
            "hnswEfConstruction is "
                + efConstruction
                + " and hnswM "
                + m
                + "; pgvector needs ef_construction at least twice m: set hnswEfConstruction("
                + 2 * m
                + ") or more");
      }
      if (!hnswIndex && (hnswM != null || hnswEfConstruction != null)) {
        problems.add(
            "hnswM and hnswEfConstruction shape the HNSW index, and hnswIndex(false) asks for"
                + " none; remove them or the hnswIndex(false)");
      }
      if (!problems.isEmpty()) {
        throw new ConfigurationException(
            "Invalid pgvector knowledge base: " + String.join("; ", problems), null);
      }
      return open(this);
    }
  }
}
