package dev.openaiconnector.spi;

import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;

/**
 * Performs one embeddings call for one batch.
 *
 * <p>Thread-safe: the core calls it from several threads at once, one batch each. The core has
 * already split the inputs within the provider's limits ({@link #maxInputsPerRequest()}); the port
 * sends them in one request, never retries, never splits, and maps every failure to a {@link
 * dev.openaiconnector.api.ConnectorException} subtype.
 */
public interface EmbeddingsPort {
  /**
   * Sends the batch and returns its vectors.
   *
   * @param request a batch already validated and sized by the core; its inputs are indexed from 0
   * @param deadline when the call must have ended, body included
   * @return one embedding per input, indexed like the batch's inputs, in input order
   * @throws dev.openaiconnector.api.ConnectorException for every failure, including a response
   *     whose vectors do not match the inputs one to one
   */
  EmbeddingResponse embed(EmbeddingRequest request, Deadline deadline);

  /**
   * Returns the most inputs the provider accepts in one request.
   *
   * @return the limit, positive ({@code 2048} for OpenAI)
   */
  int maxInputsPerRequest();
}
