package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.testkit.KnowledgeBaseContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Nested;

/**
 * The testkit's knowledge base contract, on PostgreSQL: with the HNSW index (which PostgreSQL
 * leaves unused on the contract's small tables, so that these searches are exact scans too),
 * through the HNSW index (sequential and bitmap scans turned off, so that every search goes
 * through it: the {@code WITH TIES} and id tie-break path), and without an index.
 */
@ExtendWith(RequiresDatabase.class)
class PgVectorKnowledgeBaseContractTest extends KnowledgeBaseContract {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static TestDatabase database;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    database = TestDatabase.get();
    schema = database.createSchema("contract");
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      database.dropSchema(schema);
    }
  }

  @Override
  protected KnowledgeBase createKnowledgeBase(int dimensions) {
    return PgVectorKnowledgeBase.builder()
        .dataSource(database.dataSource())
        .schema(schema)
        .table("hnsw_" + TABLES.incrementAndGet())
        .dimensions(dimensions)
        .build();
  }

  /**
   * The same contract through the HNSW index: with sequential and bitmap scans off, PostgreSQL
   * takes the index even for a few rows ({@code
   * PgVectorKnowledgeBaseTest#theIndexRunSearchesThroughTheIndex} checks the plans).
   */
  @Nested
  class ThroughTheIndex extends KnowledgeBaseContract {
    @Override
    protected KnowledgeBase createKnowledgeBase(int dimensions) {
      return PgVectorKnowledgeBase.builder()
          .dataSource(indexOnly(database))
          .schema(schema)
          .table("index_" + TABLES.incrementAndGet())
          .dimensions(dimensions)
          .build();
    }
  }

  /** Connections on which PostgreSQL plans searches through the HNSW index, whatever the size. */
  static TestDataSources.Recording indexOnly(TestDatabase database) {
    return new TestDataSources.Recording(database.dataSource(), true,
        "SET enable_seqscan = off", "SET enable_bitmapscan = off");
  }

  /** The same contract with exact searches: a full scan, no index. */
  @Nested
  class WithoutIndex extends KnowledgeBaseContract {
    @Override
    protected KnowledgeBase createKnowledgeBase(int dimensions) {
      return PgVectorKnowledgeBase.builder()
          .dataSource(database.dataSource())
          .schema(schema)
          .table("exact_" + TABLES.incrementAndGet())
          .dimensions(dimensions)
          .hnswIndex(false)
          .build();
    }
  }
}
