package dev.openaiconnector.core.knowledge;

import dev.openaiconnector.api.KnowledgeBase;
import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory knowledge base that records which methods were called, and refuses the upserts of
 * chunks of chosen documents, for tests of how {@link Knowledge} uses the port.
 */
final class RecordingKnowledgeBase implements KnowledgeBase {
  private final InMemoryKnowledgeBase delegate;
  private final List<String> calls = new ArrayList<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  RecordingKnowledgeBase(int dimensions) {
    this.delegate = InMemoryKnowledgeBase.create(dimensions);
  }

  /** Makes every upsert of a chunk of this document fail, as a database constraint would. */
  RecordingKnowledgeBase refuse(String documentId) {
    refused.add(documentId);
    return this;
  }

  /** Accepts the document again. */
  RecordingKnowledgeBase accept(String documentId) {
    refused.remove(documentId);
    return this;
  }

  /** Returns the methods called so far, such as {@code "get"}, and forgets them. */
  synchronized List<String> takeCalls() {
    List<String> taken = List.copyOf(calls);
    calls.clear();
    return taken;
  }

  private synchronized void record(String call) {
    calls.add(call);
  }

  /** The knowledge base underneath, to change it behind the service's back. */
  InMemoryKnowledgeBase delegate() {
    return delegate;
  }

  @Override
  public int dimensions() {
    return delegate.dimensions();
  }

  @Override
  public void upsert(List<KnowledgeChunk> chunks) {
    record("upsert");
    for (KnowledgeChunk chunk : chunks) {
      String source = chunk.metadata().get(TextChunker.SOURCE);
      if (source != null && refused.contains(source)) {
        throw new IllegalStateException("refused the chunks of '" + source + "'");
      }
    }
    delegate.upsert(chunks);
  }

  @Override
  public int delete(Collection<String> ids) {
    record("delete");
    return delegate.delete(ids);
  }

  @Override
  public int deleteMatching(Map<String, String> metadata) {
    record("deleteMatching");
    return delegate.deleteMatching(metadata);
  }

  @Override
  public List<KnowledgeHit> search(float[] vector, SearchOptions options) {
    record("search");
    return delegate.search(vector, options);
  }

  @Override
  public Optional<KnowledgeChunk> get(String id) {
    record("get");
    return delegate.get(id);
  }

  @Override
  public long count(Map<String, String> metadata) {
    record("count");
    return delegate.count(metadata);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
