package dev.openaiconnector.api;

import java.util.Iterator;

/**
 * A streamed answer: iterate it for the deltas as they arrive, then read the assembled {@link
 * #response()}, which is the same {@link ChatResponse} a plain call returns (text, refusal, tool
 * calls, finish reason, usage).
 *
 * <pre>{@code
 * try (ChatStream stream = ai.stream(request)) {
 *   for (ChatDelta delta : stream) {
 *     System.out.print(delta.text());
 *   }
 *   ChatResponse whole = stream.response();
 * }
 * }</pre>
 *
 * <p>It can be iterated once. {@link #close()} stops reading and frees the connection; it may be
 * called from another thread to cancel, and then the iteration ends with a {@link
 * StreamCancelledException}. A failure in the stream reaches the consumer as a {@link
 * ConnectorException} from the iterator, never a hang.
 *
 * <p>Close every stream, best with try-with-resources: until it ends or is closed, it holds its
 * connection and a place among the connector's concurrent calls. The core gives them back, with a
 * warning, when the garbage collector finds a stream dropped unclosed, but that is a safety net
 * for a bug, and comes only with a collection.
 */
public interface ChatStream extends Iterable<ChatDelta>, AutoCloseable {
  /**
   * Returns the deltas as they arrive; blocks in {@code hasNext()} until the next one comes.
   *
   * @return the iterator
   * @throws IllegalStateException if called a second time
   */
  @Override
  Iterator<ChatDelta> iterator();

  /**
   * Returns the whole answer, reading the rest of the stream first if it was not consumed.
   *
   * @return the assembled response, as a plain call would have returned it
   * @throws ConnectorException if the stream failed
   */
  ChatResponse response();

  /** Stops reading and frees the connection; idempotent, callable from any thread. */
  @Override
  void close();
}
