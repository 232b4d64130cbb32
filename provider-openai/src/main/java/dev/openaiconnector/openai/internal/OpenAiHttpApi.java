package dev.openaiconnector.openai.internal;

import feign.Request;
import feign.Response;
import java.net.URI;

/**
 * The OpenAI REST operations, implemented by {@link DirectHttpApi}: each a {@code POST} of a JSON
 * body with {@code Content-Type: application/json}. Each call names its full URL, query included,
 * as the provider's {@code Endpoints} gave it, so one client serves every layout (OpenAI's base
 * URL, Azure's deployments) without a client per URL. Methods return Feign's {@link Response} of
 * any status, as the client received it, so that the port reads the status, the headers and the
 * body itself: decoding from bytes, reading to the end so the pooled connection is kept, and, for
 * streams, reading incrementally. Tests and benchmarks may answer from memory with an
 * implementation of their own.
 */
public interface OpenAiHttpApi {
  /**
   * Creates a chat completion, accepting {@code application/json}.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  Response createChatCompletion(URI url, ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates a streamed chat completion, accepting {@code text/event-stream}; the body should have
   * {@code "stream": true}.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request, from {@link ChatCompletionRequestDto#streaming()}
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, its body a server-sent event stream; to be closed by the caller
   */
  Response streamChatCompletion(URI url, ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates embeddings, accepting {@code application/json}.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  Response createEmbeddings(URI url, EmbeddingRequestDto body, Request.Options options);

  /**
   * Generates images, accepting {@code application/json}.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  Response createImages(URI url, ImageRequestDto body, Request.Options options);
}
