package dev.openaiconnector.spi;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;

/**
 * Performs one chat completion call.
 *
 * <p>Implementations must be thread-safe: the core calls {@link #complete} from many threads at
 * once. A call performs exactly one remote request, never retries (the core decides), and maps
 * every failure to a {@link dev.openaiconnector.api.ConnectorException} subtype carrying the
 * provider id, the status, the provider's error code and the request id.
 */
@FunctionalInterface
public interface ChatPort {
  /**
   * Sends the request and returns the answer.
   *
   * @param request a request already validated by the core
   * @param deadline when the call must have ended, body included; past it the port gives up with
   *     a {@link dev.openaiconnector.api.RequestTimeoutException}
   * @return the answer, never null
   * @throws dev.openaiconnector.api.ConnectorException for every failure
   */
  ChatResponse complete(ChatRequest request, Deadline deadline);
}
