package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.Endpoints;
import dev.openaiconnector.spi.ChatEventSource;
import dev.openaiconnector.spi.ChatStreamPort;
import dev.openaiconnector.spi.Deadline;
import feign.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The streamed chat port over the OpenAI wire protocol: sends the request with {@code "stream":
 * true} and {@code "stream_options": {"include_usage": true}}, maps an error status like the
 * plain port, and hands the body to an {@link OpenAiEventSource} that reads it incrementally.
 *
 * <p>The call's deadline bounds opening only: an expired deadline fails before anything is sent,
 * the status and headers are awaited until the deadline (or the request timeout, if sooner), and
 * an error body is read within it ({@link DeadlineClient}). Once the stream is open, the idle
 * timeout bounds each wait for data, on the provider's shared scheduler. Thread-safe; {@link
 * #close()} closes the streams still open.
 */
public final class OpenAiChatStreamPort implements ChatStreamPort, AutoCloseable {
  private final String providerId;
  private final OpenAiHttpApi api;
  private final Endpoints endpoints;
  private final Sender sender;
  private final ChatMapping mapping;
  private final ObjectReader chunkReader;
  private final HttpFailures failures;
  private final Duration idleTimeout;
  private final ScheduledExecutorService scheduler;
  private final WireLog wireLog;
  private final Set<OpenAiEventSource> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates the port.
   *
   * @param providerId the id exceptions carry
   * @param api the REST operations
   * @param endpoints where each call goes, and the body's model
   * @param sender opens each stream
   * @param mapping the request mapping
   * @param chunkReader a reader for {@link ChatCompletionChunkDto}
   * @param failures the error mapping
   * @param idleTimeout how long a stream may send nothing while it is being read
   * @param scheduler the provider's shared scheduler, for the idle timeouts
   * @param wireLog the wire log
   */
  public OpenAiChatStreamPort(
      String providerId,
      OpenAiHttpApi api,
      Endpoints endpoints,
      Sender sender,
      ChatMapping mapping,
      ObjectReader chunkReader,
      HttpFailures failures,
      Duration idleTimeout,
      ScheduledExecutorService scheduler,
      WireLog wireLog) {
    this.providerId = providerId;
    this.api = api;
    this.endpoints = endpoints;
    this.sender = sender;
    this.mapping = mapping;
    this.chunkReader = chunkReader;
    this.failures = failures;
    this.idleTimeout = idleTimeout;
    this.scheduler = scheduler;
    this.wireLog = wireLog;
  }

  @Override
  public ChatEventSource open(ChatRequest request, Deadline deadline) {
    if (closed) {
      throw new IllegalStateException("The " + providerId + " provider is closed");
    }
    String model = request.model();
    ChatCompletionRequestDto body =
        mapping.toDto(request, endpoints.bodyModel(Operation.CHAT_STREAM, model)).streaming();
    URI url = endpoints.uri(Operation.CHAT_STREAM, model);
    Response response =
        sender.send(deadline, options -> api.streamChatCompletion(url, body, options));
    int status = response.status();
    DeadlineClient.ReceivedBody received = DeadlineClient.received(response);
    Map<String, Collection<String>> headers = received.headers();
    wireLog.streamResponse(status);
    ErrorDetails details = received.details();
    if (status >= 400) {
      try (response) {
        throw failures.toException(status, headers, failures.readAll(response));
      }
    }
    Response.Body events = response.body();
    if (status >= 300 || events == null || isJson(headers)) {
      try (response) {
        // An answer that is not a stream, such as a server that ignores "stream": read and drop
        // it, to keep the connection, and say what came instead.
        byte[] bytes = failures.readAll(response);
        throw new UnexpectedResponseException(
            failures.providerName()
                + " answered HTTP "
                + status
                + " with "
                + (bytes.length == 0 ? "no body" : contentType(headers))
                + " instead of an event stream",
            details,
            null);
      }
    }
    InputStream in;
    try {
      in = events.asInputStream();
      // From here the idle timeout bounds each read: a stream may outlive its opening deadline.
      DeadlineClient.disarm(in);
    } catch (IOException e) {
      response.close();
      throw failures.ioFailure(e, "Starting the " + providerId + " stream", details);
    }
    OpenAiEventSource source =
        new OpenAiEventSource(
            providerId,
            in,
            new ChatChunkDecoder(chunkReader, failures, details, failures.region(headers)),
            details,
            scheduler,
            idleTimeout,
            open::remove,
            received.rateLimits());
    open.add(source);
    if (closed) {
      // close() ran while this stream was opening, and may have missed it.
      source.close();
    }
    if (source.isReleased()) {
      open.remove(source);
    }
    return source;
  }

  private static boolean isJson(Map<String, Collection<String>> headers) {
    return contentType(headers).toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static String contentType(Map<String, Collection<String>> headers) {
    String contentType = HttpFailures.first(headers, "content-type");
    return contentType == null ? "no content type" : contentType;
  }

  /**
   * Counts the streams not yet ended or closed.
   *
   * @return the number of open streams
   */
  public int openStreams() {
    return open.size();
  }

  /** Closes the streams still open (their readers get a cancellation). */
  @Override
  public void close() {
    closed = true;
    for (OpenAiEventSource source : List.copyOf(open)) {
      source.close();
    }
  }
}
