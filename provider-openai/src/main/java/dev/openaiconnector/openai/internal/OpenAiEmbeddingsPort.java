package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonFactory;
import dev.openaiconnector.api.Embedding;
import dev.openaiconnector.api.EmbeddingRequest;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.EmbeddingsPort;
import feign.Response;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The embeddings port over the OpenAI wire protocol: one HTTP call per batch, vectors asked for as
 * base64 and decoded by {@link DirectBase64EmbeddingsDecoder}, or by {@link EmbeddingsDecoder} when
 * that declines, errors mapped. The deadline bounds the call as for {@link OpenAiChatPort}.
 * Thread-safe.
 */
public final class OpenAiEmbeddingsPort implements EmbeddingsPort {
  /** OpenAI's limit of inputs per request. */
  public static final int MAX_INPUTS = 2048;

  private static final String WHAT = "The embeddings response";

  private final OpenAiHttpApi api;
  private final Endpoints endpoints;
  private final Sender sender;
  private final JsonFactory json;
  private final HttpFailures failures;
  private final WireLog wireLog;

  /**
   * Creates the port.
   *
   * @param api the REST operations
   * @param endpoints where each call goes, and the body's model
   * @param sender sends each call
   * @param json the factory of the wire mapper, for streaming parsers
   * @param failures the error mapping
   * @param wireLog the wire log
   */
  public OpenAiEmbeddingsPort(
      OpenAiHttpApi api,
      Endpoints endpoints,
      Sender sender,
      JsonFactory json,
      HttpFailures failures,
      WireLog wireLog) {
    this.api = api;
    this.endpoints = endpoints;
    this.sender = sender;
    this.json = json;
    this.failures = failures;
    this.wireLog = wireLog;
  }

  @Override
  public int maxInputsPerRequest() {
    return MAX_INPUTS;
  }

  @Override
  public EmbeddingResponse embed(EmbeddingRequest request, Deadline deadline) {
    // Base64 is a third of the bytes of float JSON and decodes without parsing decimals.
    EmbeddingRequestDto body =
        new EmbeddingRequestDto(
            endpoints.bodyModel(Operation.EMBEDDINGS, request.model()),
            request.inputs(),
            "base64",
            request.dimensions(),
            request.endUserId());
    URI url = endpoints.uri(Operation.EMBEDDINGS, request.model());
    Response response = sender.send(deadline, options -> api.createEmbeddings(url, body, options));
    try (response) {
      int status = response.status();
      DeadlineClient.ReceivedBody received = DeadlineClient.received(response);
      byte[] bytes = failures.readAll(response);
      wireLog.response(status, bytes);
      if (status >= 400) {
        throw failures.toException(status, received.headers(), bytes);
      }
      ErrorDetails details = received.details();
      int count = request.inputs().size();
      Integer dimensions = request.dimensions();
      EmbeddingsDecoder.Decoded decoded;
      try {
        // The fast path reads the common body; anything else, and every error, is read and
        // explained by the full decoder.
        EmbeddingsDecoder.Decoded direct = DirectBase64EmbeddingsDecoder.decode(json, bytes, count);
        decoded =
            direct != null
                ? direct
                : EmbeddingsDecoder.decode(json, bytes, count, dimensions == null ? 0 : dimensions);
      } catch (IOException e) {
        throw failures.unreadable(WHAT, e, bytes.length, details);
      } catch (EmbeddingsDecoder.MalformedException e) {
        throw new UnexpectedResponseException(WHAT + " " + e.getMessage(), details, null);
      }
      List<Embedding> embeddings = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        embeddings.add(new Embedding(i, decoded.vectors()[i]));
      }
      // Servers that speak the protocol loosely may leave the model out: the request names it.
      String model = decoded.model() == null ? request.model() : decoded.model();
      return new EmbeddingResponse(
          embeddings, model, TokenUsage.of(decoded.promptTokens(), 0), details.requestId());
    }
  }
}
