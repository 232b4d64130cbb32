package dev.openaiconnector.openai.internal;

import feign.Headers;
import feign.Request;
import feign.RequestLine;
import feign.Response;
import java.net.URI;

/**
 * The OpenAI REST operations. Each call names its full URL, query included, as the provider's
 * {@code Endpoints} gave it: Feign sends to a {@link URI} argument instead of the client's target,
 * so one client serves every layout (OpenAI's base URL, Azure's deployments) without a client per
 * URL. Methods return the raw {@link Response} so that the port reads the
 * status, the headers and the body itself: decoding from bytes, reading to the end so the pooled
 * connection is kept, and, for streams, reading incrementally (Feign hands back the unbuffered
 * body stream when the length is unknown, as with a chunked event stream).
 */
@Headers("Content-Type: application/json")
public interface OpenAiHttpApi {
  /**
   * Creates a chat completion.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST")
  @Headers("Accept: application/json")
  Response createChatCompletion(URI url, ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates a streamed chat completion; the body should have {@code "stream": true}.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request, from {@link ChatCompletionRequestDto#streaming()}
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, its body a server-sent event stream; to be closed by the caller
   */
  @RequestLine("POST")
  @Headers("Accept: text/event-stream")
  Response streamChatCompletion(URI url, ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates embeddings.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST")
  @Headers("Accept: application/json")
  Response createEmbeddings(URI url, EmbeddingRequestDto body, Request.Options options);

  /**
   * Generates images.
   *
   * @param url the full URL, from {@code Endpoints#uri}
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST")
  @Headers("Accept: application/json")
  Response createImages(URI url, ImageRequestDto body, Request.Options options);
}
