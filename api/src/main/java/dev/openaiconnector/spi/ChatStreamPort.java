package dev.openaiconnector.spi;

import dev.openaiconnector.api.ChatRequest;

/**
 * Opens streamed chat completions. Thread-safe; each call is one remote request. Like every port,
 * it never retries and maps failures to the api's exceptions. Providers ask for the usage to be
 * included in the stream, so that a streamed call is never counted as free.
 */
@FunctionalInterface
public interface ChatStreamPort {
  /**
   * Sends the request and returns once the response has started (status and headers read).
   *
   * @param request a request already validated by the core
   * @param deadline when the response must have started (status and headers read); past it the
   *     port gives up with a {@link dev.openaiconnector.api.RequestTimeoutException}. The stream's
   *     own idle timeout, not this deadline, bounds the reading that follows.
   * @return the source of deltas, to be closed by the caller
   * @throws dev.openaiconnector.api.ConnectorException if the request fails before streaming
   */
  ChatEventSource open(ChatRequest request, Deadline deadline);
}
