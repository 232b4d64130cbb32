/**
 * A {@link dev.openaiconnector.api.KnowledgeBase} on PostgreSQL with the pgvector extension:
 * {@link dev.openaiconnector.knowledge.pgvector.PgVectorKnowledgeBase}, over plain JDBC and a
 * {@link javax.sql.DataSource} that the application supplies.
 *
 * <pre>{@code
 * KnowledgeBase handbook = PgVectorKnowledgeBase.builder()
 *     .dataSource(dataSource)
 *     .table("handbook")
 *     .dimensions(1536)
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.openaiconnector.knowledge.pgvector;

import org.jspecify.annotations.NullMarked;
