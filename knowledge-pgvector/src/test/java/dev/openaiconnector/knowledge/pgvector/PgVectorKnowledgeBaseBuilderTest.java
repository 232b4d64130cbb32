package dev.openaiconnector.knowledge.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openaiconnector.api.ConfigurationException;
import org.junit.jupiter.api.Test;

/** What the builder checks before it connects: no database needed. */
class PgVectorKnowledgeBaseBuilderTest {
  @Test
  void acceptsPlainLowerCaseIdentifiers() {
    PgVectorKnowledgeBase.builder()
        .table("handbook_2024")
        .table("_private")
        .table("a".repeat(PgVectorKnowledgeBase.MAX_TABLE_NAME_LENGTH))
        .schema("rag")
        .schema("s".repeat(63));
  }

  @Test
  void rejectsTableNamesThatAreNotPlainIdentifiers() {
    for (String name : new String[] {"", "Handbook", "1table", "hand-book", "hand book",
        "x\"; DROP TABLE y; --", "public.handbook", "pg_catalog", "caf\u00e9", "a\0",
        "a".repeat(PgVectorKnowledgeBase.MAX_TABLE_NAME_LENGTH + 1)}) {
      assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().table(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("table must be 1 to 48 lower-case letters");
    }
  }

  @Test
  void rejectsSchemaNamesThatAreNotPlainIdentifiers() {
    for (String name : new String[] {"", "Rag", "rag;", "\"rag\"", "pg_temp", "s".repeat(64)}) {
      assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().schema(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("schema must be 1 to 63");
    }
  }

  @Test
  void rejectsDimensionsAndEfSearchOutOfRange() {
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().dimensions(0))
        .hasMessageContaining("dimensions must be from 1 to 16000, was 0");
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().dimensions(16001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().efSearch(0))
        .hasMessageContaining("efSearch must be from 1 to 1000");
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().efSearch(1001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildReportsEveryProblemAtOnceNamingEachSettingAndTheFix() {
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Invalid pgvector knowledge base: ")
        .hasMessageContaining("dataSource is required; set it with dataSource(")
        .hasMessageContaining("table is required; set it with table(\"handbook\")")
        .hasMessageContaining("dimensions is required; set it with dimensions(1536)")
        .satisfies(e -> assertThat(((ConfigurationException) e).isRetriable()).isFalse());
  }

  @Test
  void rejectsHnswSettingsOutOfRange() {
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().hnswM(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hnswM must be from 2 to 100, was 1");
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().hnswM(101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().hnswEfConstruction(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hnswEfConstruction must be from 4 to 1000, was 3");
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().hnswEfConstruction(1001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void efConstructionMustBeAtLeastTwiceMAsPgvectorRequires() {
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().table("t").dimensions(3).hnswM(48).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hnswEfConstruction is 64 and hnswM 48")
        .hasMessageContaining("set hnswEfConstruction(96) or more");
    assertThatThrownBy(() ->
        PgVectorKnowledgeBase.builder().table("t").dimensions(3).hnswM(48).hnswEfConstruction(96).build())
        .isInstanceOf(ConfigurationException.class)
        .message()
        .doesNotContain("hnswEfConstruction");
  }

  @Test
  void hnswSettingsWithoutAnIndexAreAMistake() {
    assertThatThrownBy(() ->
        PgVectorKnowledgeBase.builder().table("t").dimensions(3).hnswIndex(false).hnswM(24).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("hnswIndex(false) asks for none");
  }

  @Test
  void moreDimensionsThanTheHnswIndexTakesNeedExactSearches() {
    assertThatThrownBy(() -> PgVectorKnowledgeBase.builder().table("t").dimensions(3072).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("dimensions is 3072, and an HNSW index takes at most 2000")
        .hasMessageContaining("hnswIndex(false)")
        .hasMessageContaining("dataSource is required");
    assertThatThrownBy(() ->
        PgVectorKnowledgeBase.builder().table("t").dimensions(3072).hnswIndex(false).build())
        .isInstanceOf(ConfigurationException.class)
        .message()
        .doesNotContain("HNSW");
  }

  @Test
  void theSkipReasonSaysHowToStartADatabase() {
    assertThat(TestDatabase.missingReason(null))
        .contains(TestDatabase.URL_VARIABLE)
        .contains("scripts/pgvector-server start");
    assertThat(TestDatabase.missingReason("jdbc:postgresql://h/db")).isNull();
    assertThatThrownBy(() -> TestDatabase.locate(" ", "true"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CI=true");
  }
}
