/**
 * Retrieval-augmented generation: {@link dev.openaiconnector.core.knowledge.Knowledge} chunks
 * {@link dev.openaiconnector.core.knowledge.Document}s with a {@link
 * dev.openaiconnector.core.knowledge.TextChunker}, embeds the chunks through a {@link
 * dev.openaiconnector.api.Connector}, stores them in a {@link dev.openaiconnector.api.KnowledgeBase}
 * (by default the {@link dev.openaiconnector.core.knowledge.InMemoryKnowledgeBase}), searches them
 * by text, answers questions from them with citations, and offers them to the model as a tool.
 *
 * <pre>{@code
 * try (Connector ai = Connectors.fromEnvironment();
 *     InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(Path.of("kb.bin"), 1536)) {
 *   Knowledge knowledge = Knowledge.builder()
 *       .connector(ai)
 *       .knowledgeBase(kb)
 *       .embeddingModel("text-embedding-3-small")
 *       .chatModel("gpt-4o-mini")
 *       .build();
 *   knowledge.ingest(Document.of("handbook", handbookText));
 *   KnowledgeAnswer answer = knowledge.answer("How many days of holiday do I get?");
 *   System.out.println(answer.content() + " " + answer.cited());
 * }
 * }</pre>
 */
@NullMarked
package dev.openaiconnector.core.knowledge;

import org.jspecify.annotations.NullMarked;
