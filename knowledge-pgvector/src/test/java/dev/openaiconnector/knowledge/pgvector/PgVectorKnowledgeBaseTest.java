package dev.openaiconnector.knowledge.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** What the contract cannot see: the table, the indexes, the plans, the transactions, errors. */
@ExtendWith(RequiresDatabase.class)
class PgVectorKnowledgeBaseTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestDatabase database;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    database = TestDatabase.get();
    schema = database.createSchema("pgvector");
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      database.dropSchema(schema);
    }
  }

  private static String newTable() {
    return "kb_" + TABLES.incrementAndGet();
  }

  private static PgVectorKnowledgeBase.Builder builder(String table, int dimensions) {
    return PgVectorKnowledgeBase.builder()
        .dataSource(database.dataSource())
        .schema(schema)
        .table(table)
        .dimensions(dimensions);
  }

  private static List<KnowledgeChunk> randomChunks(int count, int dimensions, long seed) {
    Random random = new Random(seed);
    List<KnowledgeChunk> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] vector = new float[dimensions];
      for (int d = 0; d < dimensions; d++) {
        vector[d] = (float) random.nextGaussian();
      }
      chunks.add(new KnowledgeChunk(String.format("c%05d", i), "text " + i,
          Map.of("group", i % 50 == 0 ? "rare" : "common", "n", Integer.toString(i)), vector));
    }
    return chunks;
  }

  private static List<String> query(String sql, Object... parameters) throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      return query(connection, sql, parameters);
    }
  }

  private static List<String> query(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<String> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows.add(result.getString(1));
        }
      }
      return rows;
    }
  }

  /** What the recording data source logs for the statement of a search with these options. */
  private static String recordingOfTheSearch(PgVectorKnowledgeBase kb, SearchOptions options) {
    return "prepare " + kb.searchSql(options);
  }

  private static List<String> ids(List<KnowledgeHit> hits) {
    return hits.stream().map(hit -> hit.chunk().id()).toList();
  }

  @Test
  void createsTheTableWithAnHnswAndAGinIndex() throws SQLException {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 3).build()) {
      assertThat(kb.table()).isEqualTo("\"" + schema + "\".\"" + table + "\"");
    }

    assertThat(query("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
        + " WHERE attrelid = ?::regclass AND attnum > 0 ORDER BY attnum", schema + "." + table))
        .containsExactly("id text", "text text", "metadata jsonb", "embedding vector(3)");
    assertThat(query("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?"
        + " ORDER BY indexname", schema, table))
        .anySatisfy(index -> assertThat(index)
            .contains(table + "_embedding_hnsw").contains("USING hnsw (embedding vector_cosine_ops)"))
        .anySatisfy(index -> assertThat(index)
            .contains(table + "_metadata_gin").contains("USING gin (metadata jsonb_path_ops)"))
        .anySatisfy(index -> assertThat(index).contains("UNIQUE").contains("(id)"));
    assertThat(query("SELECT collname FROM pg_attribute a JOIN pg_collation c"
        + " ON c.oid = a.attcollation WHERE attrelid = ?::regclass AND attname = 'id'",
        schema + "." + table))
        .containsExactly("C");
  }

  @Test
  void createsTheHnswIndexWithTheGraphSettingsGiven() throws SQLException {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 3).hnswM(24).hnswEfConstruction(100).build()) {
      kb.upsert(
          List.of(
              new KnowledgeChunk("a", "alpha", Map.of(), new float[] {1, 0, 0}),
              new KnowledgeChunk("b", "beta", Map.of(), new float[] {0, 1, 0})));
      assertThat(ids(kb.search(new float[] {1, 0.1f, 0}, SearchOptions.topK(1)))).containsExactly("a");
    }

    assertThat(query("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?"
        + " AND indexname = ?", schema, table, table + "_embedding_hnsw"))
        .singleElement()
        .asString()
        .contains("USING hnsw (embedding vector_cosine_ops)")
        .contains("m='24'")
        .contains("ef_construction='100'");
  }

  @Test
  void createsAMissingSchemaWithTheTable() {
    String newSchema = schema + "_new";
    try (PgVectorKnowledgeBase kb = PgVectorKnowledgeBase.builder()
        .dataSource(database.dataSource()).schema(newSchema).table("handbook").dimensions(2)
        .build()) {
      kb.upsert(List.of(new KnowledgeChunk("a", "alpha", Map.of(), new float[] {1, 2})));
      assertThat(kb.table()).isEqualTo("\"" + newSchema + "\".\"handbook\"");
      assertThat(kb.count(Map.of())).isEqualTo(1);
    } finally {
      database.dropSchema(newSchema);
    }
  }

  @Test
  void reopensAnExistingTableWithItsChunks() {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 2).build()) {
      kb.upsert(List.of(new KnowledgeChunk("a", "alpha", Map.of(), new float[] {1, 2})));
    }
    try (PgVectorKnowledgeBase kb = builder(table, 2).createIfMissing(false).build()) {
      assertThat(kb.get("a")).map(KnowledgeChunk::text).contains("alpha");
    }
  }

  @Test
  void reopeningWithOtherDimensionsFailsNamingBoth() {
    String table = newTable();
    builder(table, 3).build().close();

    assertThatThrownBy(() -> builder(table, 4).build())
        .isInstanceOf(PgVectorException.class)
        .hasMessageContaining(table)
        .hasMessageContaining("exists with 3 dimensions, not 4")
        .satisfies(e -> assertThat(((PgVectorException) e).operation()).isEqualTo("open"));
  }

  @Test
  void refusesATableOfAnotherShape() {
    String table = newTable();
    database.execute("CREATE TABLE " + schema + "." + table + " (id int PRIMARY KEY, name text)");

    assertThatThrownBy(() -> builder(table, 3).build())
        .isInstanceOf(PgVectorException.class)
        .hasMessageContaining("not a knowledge base table")
        .hasMessageContaining("name");
  }

  @Test
  void aMissingTableIsAnErrorWhenCreatingIsOff() {
    String table = newTable();

    assertThatThrownBy(() -> builder(table, 3).createIfMissing(false).build())
        .isInstanceOf(PgVectorException.class)
        .hasMessageContaining(table)
        .hasMessageContaining("does not exist");
  }

  @Test
  void twoApplicationsOpeningTheSameNewTableAtOnceBothSucceed() throws Exception {
    String table = newTable();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PgVectorKnowledgeBase>> opening = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        opening.add(pool.submit(() -> builder(table, 3).build()));
      }
      for (Future<PgVectorKnowledgeBase> kb : opening) {
        kb.get(1, TimeUnit.MINUTES).close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void knowledgeBasesOnOtherTablesOfOneNewSchemaOpenAtOnce() throws Exception {
    // Each round two applications create a new schema's first two tables at the same moment:
    // one lock for all tables makes them take turns, so neither meets the other's schema. Every
    // other round the pool's transactions are REPEATABLE READ, whose snapshot, taken before the
    // lock is granted, would not show what the other committed meanwhile.
    DataSource repeatableRead = new TestDataSources.Recording(database.dataSource(),
        true, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 8; round++) {
        String newSchema = schema + "_r" + round;
        DataSource dataSource = round % 2 == 0 ? database.dataSource() : repeatableRead;
        CyclicBarrier start = new CyclicBarrier(2);
        try {
          List<Future<PgVectorKnowledgeBase>> opening = new ArrayList<>();
          for (String table : List.of("handbook", "faq")) {
            opening.add(pool.submit(() -> {
              start.await(1, TimeUnit.MINUTES);
              return PgVectorKnowledgeBase.builder().dataSource(dataSource)
                  .schema(newSchema).table(table).dimensions(3).build();
            }));
          }
          for (Future<PgVectorKnowledgeBase> kb : opening) {
            kb.get(1, TimeUnit.MINUTES).close();
          }
          assertThat(query("SELECT tablename FROM pg_tables WHERE schemaname = ?"
              + " ORDER BY tablename", newSchema)).containsExactly("faq", "handbook");
        } finally {
          database.dropSchema(newSchema);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void upsertsThousandsOfChunksInBatches() {
    try (PgVectorKnowledgeBase kb = builder(newTable(), 32).build()) {
      List<KnowledgeChunk> chunks = randomChunks(5000, 32, 1);
      kb.upsert(chunks);
      kb.upsert(chunks.subList(0, 1000)); // replaces, adds nothing

      assertThat(kb.count(Map.of())).isEqualTo(5000);
      assertThat(kb.count(Map.of("group", "rare"))).isEqualTo(100);
      KnowledgeChunk read = kb.get("c04321").orElseThrow();
      assertThat(read.metadata()).containsEntry("n", "4321");
      assertThat(cosine(read.vector(), chunks.get(4321).vector())).isCloseTo(1, within(1e-6));
    }
  }

  @Test
  void anUpsertThatTheDatabaseRejectsHalfwayWritesNothing() {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 4).build()) {
      kb.upsert(List.of(new KnowledgeChunk("before", "kept", Map.of(), new float[] {1, 1, 1, 1})));
      database.execute("ALTER TABLE " + schema + "." + table
          + " ADD CONSTRAINT no_poison CHECK (id <> 'c00900')");
      List<KnowledgeChunk> chunks = randomChunks(1000, 4, 2); // c00900 is in the fourth batch

      assertThatThrownBy(() -> kb.upsert(chunks))
          .isInstanceOf(PgVectorException.class)
          .hasMessageContaining("upsert on knowledge base table")
          .hasMessageContaining("no_poison")
          .hasMessageContaining("SQLState 23514")
          .message()
          .doesNotContain("text 900"); // the batch's values stay out of the message
      assertThat(kb.count(Map.of())).isEqualTo(1);
      assertThat(kb.get("before")).isPresent();
    }
  }

  @Test
  void aFailedUpsertKeepsChunkTextsAndVectorsOutOfTheExceptionAndItsCauses() {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 8).build()) {
      database.execute("ALTER TABLE " + schema + "." + table
          + " ADD CONSTRAINT no_poison CHECK (id <> 'c00300')");
      List<KnowledgeChunk> chunks = new ArrayList<>(randomChunks(400, 8, 12));
      KnowledgeChunk poison = chunks.get(300);
      String text = "confidential: the salary of the poisoned chunk is 123456";
      chunks.set(300, new KnowledgeChunk(poison.id(), text, poison.metadata(), poison.vector()));
      float[] sent = PgVectorKnowledgeBase.normalised(poison.vector());

      Throwable failure = catchThrowable(() -> kb.upsert(chunks));

      assertThat(failure)
          .isInstanceOf(PgVectorException.class)
          .hasMessageContaining("violates check constraint \"no_poison\"")
          .hasMessageContaining("SQLState 23514");
      assertThat(((PgVectorException) failure).sqlState()).contains("23514");
      assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("23514");
      String everything = FailureText.all(failure);
      assertThat(everything).doesNotContain(text).doesNotContain("text 299");
      for (float value : sent) {
        assertThat(everything).doesNotContain(Float.toString(value));
      }
      for (float value : PgVectorKnowledgeBase.normalised(chunks.get(299).vector())) {
        assertThat(everything).doesNotContain(Float.toString(value));
      }
    }
  }

  @Test
  void rejectsAQueryVectorThatIsNotFiniteBeforeAnySql() {
    TestDataSources.Recording counting = new TestDataSources.Recording(database.dataSource(), true);
    try (PgVectorKnowledgeBase kb = builder(newTable(), 3).dataSource(counting).build()) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        assertThatThrownBy(() -> kb.search(new float[] {1, 2, bad}, SearchOptions.defaults()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the query vector has a value that is not finite at index 2");
      }
      assertThatThrownBy(() -> kb.search(new float[] {0, 0, 0}, SearchOptions.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the query vector is zero");
      assertThatThrownBy(() -> kb.search(new float[] {1, 2}, SearchOptions.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the query vector has 2 dimensions")
          .hasMessageContaining("holds vectors of 3");
      assertThat(counting.connectionsOpened()).isEqualTo(1); // build's, none for the searches
    }
  }

  @Test
  void aMinimumSimilarityOfOneFindsTheSameDirectionDespiteRounding() {
    for (boolean index : new boolean[] {true, false}) {
      try (PgVectorKnowledgeBase kb = builder(newTable(), 64).hnswIndex(index).build()) {
        List<KnowledgeChunk> chunks = randomChunks(40, 64, 13);
        kb.upsert(chunks);
        SearchOptions exactly = SearchOptions.builder().topK(3).minSimilarity(1.0).build();
        for (KnowledgeChunk chunk : chunks) {
          // The same direction, another length: normalised, its floats differ in the last bits.
          float[] query = chunk.vector().clone();
          for (int d = 0; d < query.length; d++) {
            query[d] *= 0.7f;
          }
          assertThat(ids(kb.search(query, exactly)))
              .as("%s, index %s", chunk.id(), index)
              .containsExactly(chunk.id());
        }
      }
    }
  }

  @Test
  void searchUsesTheHnswIndexOnALargeTable() throws SQLException {
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 16).build()) {
      List<KnowledgeChunk> chunks = randomChunks(3000, 16, 3);
      kb.upsert(chunks);
      database.execute("ANALYZE " + schema + "." + table);

      for (SearchOptions options : List.of(SearchOptions.topK(10),
          SearchOptions.builder().topK(10).minSimilarity(0.2).build())) {
        String plan = explain(kb, chunks.get(7).vector(), options);
        assertThat(plan).as("plan for %s", options).contains("Index Scan using " + table
            + "_embedding_hnsw");
      }
      List<KnowledgeHit> hits = kb.search(chunks.get(7).vector(), SearchOptions.topK(10));
      assertThat(hits).hasSize(10);
      assertThat(hits.get(0).chunk().id()).isEqualTo("c00007");
      assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void aFilteredSearchThroughTheIndexStillReturnsTopK() {
    String table = newTable();
    // Plans forced onto the HNSW index: without the iterative scan, ef_search candidates hold
    // about one rare chunk in fifty, and the search would return one or two hits, not ten.
    TestDataSources.Recording indexOnly = new TestDataSources.Recording(database.dataSource(), true,
        "SET enable_seqscan = off", "SET enable_bitmapscan = off");
    try (PgVectorKnowledgeBase kb = builder(table, 16).dataSource(indexOnly).build()) {
      List<KnowledgeChunk> chunks = randomChunks(3000, 16, 4);
      kb.upsert(chunks);
      database.execute("ANALYZE " + schema + "." + table);
      SearchOptions rare = SearchOptions.builder().topK(10).filter("group", "rare").build();

      List<KnowledgeHit> hits = kb.search(chunks.get(3).vector(), rare);

      assertThat(hits).hasSize(10);
      assertThat(hits).allSatisfy(hit ->
          assertThat(hit.chunk().metadata()).containsEntry("group", "rare"));
      for (int i = 1; i < hits.size(); i++) {
        assertThat(hits.get(i - 1).similarity()).isGreaterThanOrEqualTo(hits.get(i).similarity());
      }
      assertThat(explain(kb, chunks.get(3).vector(), rare, indexOnly))
          .contains("Index Scan using " + table + "_embedding_hnsw");
    }
  }

  @Test
  void aLargeTopKFindsMoreThanPgvectorsDefaultCandidateList() {
    try (PgVectorKnowledgeBase kb = builder(newTable(), 8).build()) {
      List<KnowledgeChunk> chunks = randomChunks(2000, 8, 5);
      kb.upsert(chunks);
      database.execute("ANALYZE " + kb.table());

      assertThat(kb.search(chunks.get(0).vector(), SearchOptions.topK(300))).hasSize(300);
    }
  }

  @Test
  void searchSettingsEndWithTheTransaction() throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      TestDataSources.Recording one = new TestDataSources.Recording(
          new TestDataSources.SingleConnection(connection), true);
      try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(one).build()) {
        kb.upsert(List.of(new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {1, 0})));
        kb.search(new float[] {1, 0}, SearchOptions.builder().topK(500).filter("k", "v").build());
      }
      try (Statement statement = connection.createStatement();
          ResultSet settings = statement.executeQuery("SELECT current_setting('hnsw.ef_search'),"
              + " current_setting('hnsw.iterative_scan')")) {
        settings.next();
        assertThat(settings.getString(1)).isEqualTo("40");
        assertThat(settings.getString(2)).isEqualTo("off");
      }
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Test
  void theIndexRunSearchesThroughTheIndex() {
    String table = newTable();
    TestDataSources.Recording indexOnly = PgVectorKnowledgeBaseContractTest.indexOnly(database);
    try (PgVectorKnowledgeBase kb = builder(table, 2).dataSource(indexOnly).build()) {
      kb.upsert(List.of(
          new KnowledgeChunk("c", "c", Map.of("k", "v"), new float[] {1, 0}),
          new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {2, 0}),
          new KnowledgeChunk("d", "d", Map.of(), new float[] {0, 1}),
          new KnowledgeChunk("b", "b", Map.of("k", "v"), new float[] {3, 0})));
      database.execute("ANALYZE " + kb.table());

      for (SearchOptions options : List.of(SearchOptions.topK(2),
          SearchOptions.builder().topK(2).filter("k", "v").build(),
          SearchOptions.builder().topK(2).minSimilarity(0.5).build())) {
        assertThat(explain(kb, new float[] {1, 0}, options, indexOnly))
            .as("plan for %s", options)
            .contains("Index Scan using " + table + "_embedding_hnsw");
        // Three chunks tie: WITH TIES brings all three, the id decides.
        assertThat(ids(kb.search(new float[] {1, 0}, options))).containsExactly("a", "b");
      }
    }
  }

  @Test
  void aSearchSetsNothingWhenTheDatabasesSettingsSuffice() {
    TestDataSources.Recording recording =
        new TestDataSources.Recording(database.dataSource(), true);
    try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(recording).build()) {
      kb.upsert(List.of(new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {1, 0})));
      recording.takeCalls();

      kb.search(new float[] {1, 0}, SearchOptions.topK(40));
      assertThat(recording.takeCalls()).singleElement().asString().startsWith("prepare SELECT");

      kb.search(new float[] {1, 0}, SearchOptions.builder().topK(5).filter("k", "v").build());
      assertThat(recording.takeCalls()).containsExactly("autoCommit false",
          "prepare SELECT set_config('hnsw.iterative_scan', 'strict_order', true)",
          recordingOfTheSearch(kb, SearchOptions.builder().filter("k", "v").build()), "commit",
          "autoCommit true");

      kb.search(new float[] {1, 0}, SearchOptions.topK(41));
      assertThat(recording.takeCalls()).element(1).asString()
          .contains("GREATEST(COALESCE(current_setting('hnsw.ef_search', true), '0')::int, ?)")
          .doesNotContain("iterative_scan");
    }
    try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(recording).efSearch(64)
        .build()) {
      recording.takeCalls();
      kb.search(new float[] {1, 0}, SearchOptions.topK(5));
      assertThat(recording.takeCalls()).element(1).asString()
          .isEqualTo("prepare SELECT set_config('hnsw.ef_search', ?, true)");
    }
  }

  @Test
  void readsTheDatabasesCandidateListSizeAndNeverLowersASessionsOwn() throws SQLException {
    TestDataSources.Recording tuned = new TestDataSources.Recording(database.dataSource(), true,
        "SET hnsw.ef_search = 200");
    try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(tuned).build()) {
      assertThat(kb.tuningSql(SearchOptions.topK(200))).isNull();
      assertThat(kb.tuningSql(SearchOptions.topK(201))).contains("GREATEST");
    }
    try (PgVectorKnowledgeBase kb = builder(newTable(), 2).build();
        Connection connection = database.dataSource().getConnection()) {
      SearchOptions large = SearchOptions.topK(300);
      for (String[] sessionAndResult : new String[][] {{"500", "500"}, {"100", "300"}}) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET hnsw.ef_search = " + sessionAndResult[0]);
        }
        connection.setAutoCommit(false);
        try (PreparedStatement set = connection.prepareStatement(kb.tuningSql(large))) {
          kb.bindTuning(set, large);
          set.executeQuery().close();
        }
        assertThat(query(connection, "SELECT current_setting('hnsw.ef_search')"))
            .containsExactly(sessionAndResult[1]);
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }
  }

  @Test
  void sendsTheQueryVectorOnceAsAVector() throws SQLException {
    PGSimpleDataSource serverPrepared = new PGSimpleDataSource();
    serverPrepared.setURL(database.url());
    serverPrepared.setPrepareThreshold(1); // a named statement at once: pg_prepared_statements
    try (Connection connection = serverPrepared.getConnection()) {
      TestDataSources.SingleConnection one = new TestDataSources.SingleConnection(connection);
      for (boolean index : new boolean[] {true, false}) {
        try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(one).hnswIndex(index)
            .build()) {
          kb.upsert(List.of(new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {1, 0})));
          SearchOptions options =
              SearchOptions.builder().topK(3).minSimilarity(0.5).filter("k", "v").build();
          assertThat(kb.search(new float[] {1, 0}, options)).hasSize(1);

          assertThat(query(connection, "SELECT array_to_string(parameter_types, ',') FROM"
              + " pg_prepared_statements WHERE statement LIKE '%<=>%' AND statement LIKE ?",
              "%" + kb.table() + "%"))
              .containsExactly("vector,character varying,integer,double precision,integer");
        }
      }
    }
  }

  @Test
  void buildingGivesTheConnectionBackWithTheIsolationAndAutoCommitItCameWith()
      throws SQLException {
    try (Connection connection = database.dataSource().getConnection()) {
      connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      TestDataSources.SingleConnection one = new TestDataSources.SingleConnection(connection);
      builder(newTable(), 2).dataSource(one).build().close();

      assertThat(connection.getTransactionIsolation())
          .isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Test
  void commitsWhenThePoolHandsOutConnectionsWithoutAutoCommit() {
    TestDataSources.Recording manual = new TestDataSources.Recording(database.dataSource(), false);
    String table = newTable();
    try (PgVectorKnowledgeBase kb = builder(table, 2).dataSource(manual).build()) {
      kb.upsert(List.of(new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {1, 0})));
      assertThat(kb.delete(List.of("missing"))).isZero();
    }
    try (PgVectorKnowledgeBase kb = builder(table, 2).build()) {
      assertThat(kb.get("a")).isPresent();
      assertThat(kb.search(new float[] {1, 0}, SearchOptions.defaults())).hasSize(1);
    }
  }

  @Test
  void givesEveryConnectionBackAndLeavesTheDataSourceOpen() {
    TestDataSources.Recording counting = new TestDataSources.Recording(database.dataSource(), true);
    PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(counting).build();
    kb.upsert(List.of(new KnowledgeChunk("a", "a", Map.of("k", "v"), new float[] {1, 0})));
    kb.search(new float[] {1, 0}, SearchOptions.builder().filter("k", "v").build());
    kb.count(Map.of("k", "v"));
    kb.get("a");
    kb.delete(List.of("a"));
    kb.deleteMatching(Map.of("k", "v"));
    assertThatThrownBy(() -> kb.upsert(List.of(
        new KnowledgeChunk("b", "b", Map.of(), new float[] {1, 0}),
        new KnowledgeChunk("c", "c", Map.of(), new float[] {0, 0}))))
        .isInstanceOf(IllegalArgumentException.class);
    kb.close();

    assertThat(counting.openConnections()).isZero();
    assertThat(counting.connectionsOpened()).isEqualTo(7); // open + six calls; none for the rejected
    assertThatThrownBy(() -> kb.count(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(kb.dimensions()).isEqualTo(2);
  }

  @Test
  void concurrentUpsertsOfTheSameChunksInAnyOrderDoNotDeadlock() throws Exception {
    try (PgVectorKnowledgeBase kb = builder(newTable(), 4).build()) {
      List<KnowledgeChunk> chunks = randomChunks(400, 4, 6);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          long seed = w;
          writers.add(pool.submit(() -> {
            for (int round = 0; round < 5; round++) {
              List<KnowledgeChunk> shuffled = new ArrayList<>(chunks);
              Collections.shuffle(shuffled, new Random(seed * 31 + round));
              kb.upsert(shuffled);
            }
            return null;
          }));
        }
        for (Future<?> writer : writers) {
          writer.get(2, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(kb.count(Map.of())).isEqualTo(400);
    }
  }

  @Test
  void exactSearchesTakeMoreDimensionsThanTheIndex() {
    try (PgVectorKnowledgeBase kb = builder(newTable(), 3072).hnswIndex(false).build()) {
      List<KnowledgeChunk> chunks = randomChunks(20, 3072, 7);
      kb.upsert(chunks);

      List<KnowledgeHit> hits = kb.search(chunks.get(11).vector(), SearchOptions.topK(3));
      assertThat(hits.get(0).chunk().id()).isEqualTo("c00011");
      assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void stringsPostgresqlCannotStoreMatchNothingAndReachNoSql() {
    TestDataSources.Recording counting = new TestDataSources.Recording(database.dataSource(), true);
    try (PgVectorKnowledgeBase kb = builder(newTable(), 2).dataSource(counting).build()) {
      // KnowledgeChunk rejects them in chunks; nothing stored can match them.
      assertThat(kb.get("a\0")).isEmpty();
      assertThat(kb.count(Map.of("k", "\0"))).isZero();
      assertThat(kb.search(new float[] {1, 0}, SearchOptions.builder().filter("k\0", "v").build()))
          .isEmpty();
      assertThat(kb.search(new float[] {1, 0}, SearchOptions.builder().filter("k", "\ud800")
          .build())).isEmpty();
      assertThat(kb.delete(List.of("\0", "\udc00"))).isZero();
      assertThat(kb.deleteMatching(Map.of("k", "\0"))).isZero();
      assertThat(counting.connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() throws SQLException {
    PGSimpleDataSource wrong = new PGSimpleDataSource();
    wrong.setURL(database.url());
    wrong.setPassword("not-the-password-4711");

    assertThatThrownBy(() -> builder(newTable(), 2).dataSource(wrong).build())
        .isInstanceOf(PgVectorException.class)
        .hasMessageContaining("open on knowledge base table")
        .hasMessageContaining("SQLState 28P01")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("not-the-password-4711"));
  }

  @Test
  void anUnreachableServerIsRetriable() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/knowledge?user=u&password=secret-4711"
        + "&connectTimeout=2");

    assertThatThrownBy(() -> builder(newTable(), 2).dataSource(nowhere).build())
        .isInstanceOf(PgVectorUnavailableException.class)
        .satisfies(e -> assertThat(((ConnectorException) e).isRetriable()).isTrue())
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("secret-4711"));
  }

  @Test
  void aUrlWithAPasswordInADataSourceErrorIsRedacted() {
    TestDataSources.FromDriverManager noDriver = new TestDataSources.FromDriverManager(
        "jdbc:nosuchdriver://db.example:5432/kb?user=app&password=hunter2-4711&ssl=true");

    assertThatThrownBy(() -> builder(newTable(), 2).dataSource(noDriver).build())
        .isInstanceOf(PgVectorUnavailableException.class)
        .hasMessageContaining("No suitable driver")
        .hasMessageContaining("password=***")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("hunter2"))
        .satisfies(e -> assertThat(((PgVectorUnavailableException) e).sqlState()).contains("08001"));
  }

  private static String stackTrace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static String explain(PgVectorKnowledgeBase kb, float[] vector, SearchOptions options) {
    return explain(kb, vector, options, database.dataSource());
  }

  /** EXPLAIN of the very statement a search runs, with the same parameters and settings. */
  private static String explain(PgVectorKnowledgeBase kb, float[] vector, SearchOptions options,
      DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      String tuning = kb.tuningSql(options);
      if (tuning != null) {
        try (PreparedStatement set = connection.prepareStatement(tuning)) {
          kb.bindTuning(set, options);
          set.executeQuery().close();
        }
      }
      try (PreparedStatement explain =
          connection.prepareStatement("EXPLAIN " + kb.searchSql(options))) {
        kb.bindSearch(explain, vector, options);
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = explain.executeQuery()) {
          while (rows.next()) {
            plan.append(rows.getString(1)).append('\n');
          }
        }
        return plan.toString();
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      normA += (double) a[i] * a[i];
      normB += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(normA * normB);
  }
}
