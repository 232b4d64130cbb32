package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.spi.ChatPort;
import dev.openaiconnector.spi.Deadline;
import feign.Response;
import java.io.IOException;
import java.net.URI;

/**
 * The chat port over the OpenAI wire protocol: one HTTP call (two after a {@code 401} that the
 * authentication answered with fresh credentials, see {@link Sender}), errors mapped. The call's deadline
 * bounds everything it waits for: an expired deadline fails before anything is sent, the response
 * headers are awaited until the deadline (or the request timeout, if sooner), and {@link
 * DeadlineClient} stops reading the body when the deadline passes. Thread-safe.
 */
public final class OpenAiChatPort implements ChatPort {
  private final OpenAiHttpApi api;
  private final Endpoints endpoints;
  private final Sender sender;
  private final ChatMapping mapping;
  private final ObjectReader responseReader;
  private final HttpFailures failures;
  private final WireLog wireLog;

  /**
   * Creates the port.
   *
   * @param api the REST operations
   * @param endpoints where each call goes, and the body's model
   * @param sender sends each call
   * @param mapping the request and response mapping
   * @param responseReader a reader for {@link ChatCompletionResponseDto}
   * @param failures the error mapping
   * @param wireLog the wire log
   */
  public OpenAiChatPort(
      OpenAiHttpApi api,
      Endpoints endpoints,
      Sender sender,
      ChatMapping mapping,
      ObjectReader responseReader,
      HttpFailures failures,
      WireLog wireLog) {
    this.api = api;
    this.endpoints = endpoints;
    this.sender = sender;
    this.mapping = mapping;
    this.responseReader = responseReader;
    this.failures = failures;
    this.wireLog = wireLog;
  }

  @Override
  public ChatResponse complete(ChatRequest request, Deadline deadline) {
    String model = request.model();
    ChatCompletionRequestDto body =
        mapping.toDto(request, endpoints.bodyModel(Operation.CHAT, model));
    URI url = endpoints.uri(Operation.CHAT, model);
    Response response =
        sender.send(deadline, options -> api.createChatCompletion(url, body, options));
    try (response) {
      int status = response.status();
      DeadlineClient.ReceivedBody received = DeadlineClient.received(response);
      byte[] bytes = failures.readAll(response);
      wireLog.response(status, bytes);
      if (status >= 400) {
        throw failures.toException(status, received.headers(), bytes);
      }
      ErrorDetails details = received.details();
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
        return mapping.fromDto(
            dto, details.requestId(), received.rateLimits(), details);
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
