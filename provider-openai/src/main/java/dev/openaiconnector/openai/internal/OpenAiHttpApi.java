package dev.openaiconnector.openai.internal;

import feign.Headers;
import feign.Request;
import feign.RequestLine;
import feign.Response;

/**
 * The OpenAI REST operations, relative to the base URL (for example {@code
 * https://api.openai.com/v1}). Methods return the raw {@link Response} so that the port reads the
 * status, the headers and the body itself: decoding from bytes, reading to the end so the pooled
 * connection is kept, and, for streams, reading incrementally (Feign hands back the unbuffered
 * body stream when the length is unknown, as with a chunked event stream).
 */
@Headers("Content-Type: application/json")
public interface OpenAiHttpApi {
  /**
   * Creates a chat completion.
   *
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST /chat/completions")
  @Headers("Accept: application/json")
  Response createChatCompletion(ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates a streamed chat completion; the body should have {@code "stream": true}.
   *
   * @param body the request, from {@link ChatCompletionRequestDto#streaming()}
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, its body a server-sent event stream; to be closed by the caller
   */
  @RequestLine("POST /chat/completions")
  @Headers("Accept: text/event-stream")
  Response streamChatCompletion(ChatCompletionRequestDto body, Request.Options options);

  /**
   * Creates embeddings.
   *
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST /embeddings")
  @Headers("Accept: application/json")
  Response createEmbeddings(EmbeddingRequestDto body, Request.Options options);

  /**
   * Generates images.
   *
   * @param body the request
   * @param options the call's timeouts, from {@link CallTimeouts#forCall}
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST /images/generations")
  @Headers("Accept: application/json")
  Response createImages(ImageRequestDto body, Request.Options options);
}
