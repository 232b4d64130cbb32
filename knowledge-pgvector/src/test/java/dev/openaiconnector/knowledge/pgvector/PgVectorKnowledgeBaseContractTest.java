package dev.openaiconnector.knowledge.pgvector;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.testkit.KnowledgeBaseContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Nested;

/** The testkit's knowledge base contract, on PostgreSQL with and without the HNSW index. */
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
