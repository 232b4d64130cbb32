package dev.openaiconnector.openai.internal;

import dev.openaiconnector.spi.Deadline;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.ChatPort;
import feign.FeignException;
import feign.Response;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/** The chat port over the OpenAI wire protocol: one HTTP call, errors mapped. Thread-safe. */
public final class OpenAiChatPort implements ChatPort {
  private final OpenAiHttpApi api;
  private final ChatMapping mapping;
  private final ObjectReader responseReader;
  private final HttpFailures failures;

  /**
   * Creates the port.
   *
   * @param api the Feign client
   * @param mapping the request and response mapping
   * @param responseReader a reader for {@link ChatCompletionResponseDto}
   * @param failures the error mapping
   */
  public OpenAiChatPort(
      OpenAiHttpApi api,
      ChatMapping mapping,
      ObjectReader responseReader,
      HttpFailures failures) {
    this.api = api;
    this.mapping = mapping;
    this.responseReader = responseReader;
    this.failures = failures;
  }

  @Override
  public ChatResponse complete(ChatRequest request, Deadline deadline) {
    ChatCompletionRequestDto body = mapping.toDto(request);
    Response response;
    try {
      response = api.createChatCompletion(body);
    } catch (FeignException e) {
      throw failures.transportFailure(e);
    }
    try (response) {
      int status = response.status();
      Map<String, Collection<String>> headers = response.headers();
      byte[] bytes = failures.readAll(response);
      if (status >= 400) {
        throw failures.toException(status, headers, bytes);
      }
      ErrorDetails details = failures.details(status, headers);
      ChatCompletionResponseDto dto;
      try {
        dto = responseReader.readValue(bytes);
      } catch (IOException e) {
        throw failures.unreadable("The chat completion", e, bytes.length, details);
      }
      if (dto == null) {
        throw failures.unreadable("The chat completion", null, bytes.length, details);
      }
      try {
        return mapping.fromDto(dto, HttpFailures.requestId(headers), details);
      } catch (UnexpectedResponseException e) {
        throw e;
      } catch (RuntimeException e) {
        // A field the API always sends is missing or impossible (a tool call without its
        // function, a negative token count): the message names the kind, never the content.
        throw new UnexpectedResponseException(
            "The chat completion is not a valid chat completion ("
                + e.getClass().getSimpleName()
                + ")",
            details,
            null);
      }
    }
  }
}
