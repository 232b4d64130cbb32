package dev.openaiconnector.openai.internal;

import feign.Headers;
import feign.RequestLine;
import feign.Response;

/**
 * The OpenAI REST operations, relative to the base URL (for example {@code
 * https://api.openai.com/v1}). Methods return the raw {@link Response} so that the port reads the
 * status, the headers and the whole body itself: decoding from bytes, and reading to the end so
 * the pooled connection is kept.
 */
@Headers({"Content-Type: application/json", "Accept: application/json"})
public interface OpenAiHttpApi {
  /**
   * Creates a chat completion.
   *
   * @param body the request
   * @return the raw response, to be closed by the caller
   */
  @RequestLine("POST /chat/completions")
  Response createChatCompletion(ChatCompletionRequestDto body);
}
