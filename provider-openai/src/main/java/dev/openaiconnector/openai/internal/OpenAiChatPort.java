package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.spi.ChatPort;
import feign.FeignException;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.util.Collection;
import java.util.Map;

/** The chat port over the OpenAI wire protocol: one HTTP call, errors mapped. Thread-safe. */
public final class OpenAiChatPort implements ChatPort {
  private static final byte[] NO_BODY = new byte[0];

  private final String providerId;
  private final OpenAiHttpApi api;
  private final ChatMapping mapping;
  private final ObjectReader responseReader;
  private final HttpFailures failures;

  /**
   * Creates the port.
   *
   * @param providerId the id exceptions carry
   * @param api the Feign client
   * @param mapping the request and response mapping
   * @param responseReader a reader for {@link ChatCompletionResponseDto}
   * @param failures the error mapping
   */
  public OpenAiChatPort(
      String providerId,
      OpenAiHttpApi api,
      ChatMapping mapping,
      ObjectReader responseReader,
      HttpFailures failures) {
    this.providerId = providerId;
    this.api = api;
    this.mapping = mapping;
    this.responseReader = responseReader;
    this.failures = failures;
  }

  @Override
  public ChatResponse complete(ChatRequest request) {
    ChatCompletionRequestDto body = mapping.toDto(request);
    Response response;
    try {
      response = api.createChatCompletion(body);
    } catch (FeignException e) {
      throw transportFailure(e);
    }
    try (response) {
      int status = response.status();
      Map<String, Collection<String>> headers = response.headers();
      byte[] bytes = readBody(response, status, headers);
      if (status >= 400) {
        throw failures.toException(status, headers, bytes);
      }
      ErrorDetails details = failures.details(status, headers);
      ChatCompletionResponseDto dto;
      try {
        dto = responseReader.readValue(bytes);
      } catch (JsonProcessingException e) {
        throw new UnexpectedResponseException(
            "The chat completion could not be read as JSON ("
                + e.getOriginalMessage()
                + "); the body had "
                + bytes.length
                + " bytes",
            details,
            null);
      } catch (IOException e) {
        throw new UnexpectedResponseException("The chat completion could not be read", details, e);
      }
      return mapping.fromDto(dto, HttpFailures.requestId(headers), details);
    }
  }

  // Reads to the end of the stream: the JDK client returns a connection to its pool only once
  // the body has been consumed, and a JSON parser stops at the closing brace.
  private byte[] readBody(Response response, int status, Map<String, Collection<String>> headers) {
    Response.Body body = response.body();
    if (body == null) {
      return NO_BODY;
    }
    try (InputStream in = body.asInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ConnectionException(
          "The connection failed while reading the response body (" + e.getClass().getSimpleName()
              + ")",
          failures.details(status, headers),
          e);
    }
  }

  private ConnectorException transportFailure(FeignException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    ErrorDetails details = ErrorDetails.ofProvider(providerId);
    if (cause instanceof HttpTimeoutException) {
      return new RequestTimeoutException(
          "The call to " + providerId + " timed out (" + cause.getMessage() + ")", details, cause);
    }
    return new ConnectionException(
        "The connection to "
            + providerId
            + " failed ("
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + ")",
        details,
        cause);
  }
}
