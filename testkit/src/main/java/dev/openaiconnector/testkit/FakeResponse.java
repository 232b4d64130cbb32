package dev.openaiconnector.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.openaiconnector.testkit.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A scripted answer for {@link FakeOpenAiServer#enqueue(FakeResponse)}: status, headers, body and
 * an optional delay. Immutable; each {@code header}, {@code delay} and stream-fault call returns a
 * copy.
 *
 * <pre>{@code
 * server.enqueue(FakeResponse.error(429, "requests", "rate_limit_exceeded", "Slow down")
 *     .header("retry-after", "2"));
 * }</pre>
 *
 * <p>Event streams ({@link #eventStream(List)}, {@link #streamedChatCompletion}, {@link
 * #rawEventStream}) are sent with {@code Transfer-Encoding: chunked}, each event written and
 * flushed as its own chunk, so a client sees them one by one. Their faults count events as sent,
 * {@code [DONE]} included, and apply before the next event in this order: {@link #holdAfter},
 * {@link #stallAfter}, {@link #cutAfter}; {@link #eventDelay} comes last, before each event but
 * the first. A count at or past the number of events applies after the last one, before the body
 * ends. Closing the server ends every wait and drops the connection.
 *
 * <p>Faults of plain answers: {@link #noHeaders()} (the answer never starts), {@link
 * #resetConnection()} (the connection is closed instead of answered), {@link #bodyStallAfter} and
 * {@link #bodyCutAfter} (the body stops half way), {@link #htmlErrorPage} (a proxy's page instead
 * of an OpenAI error), and truncated JSON through {@link #json(int, String)}. To script the same
 * answer several times, see {@link FakeOpenAiServer#enqueue(FakeResponse, int)}.
 */
public final class FakeResponse {
  static final String JSON = "application/json";

  /** Renders the body when it is sent, so that a body may depend on the request it answers. */
  @FunctionalInterface
  interface Body {
    String render(RecordedRequest request, int sequence);
  }

  /** How the body is sent. */
  enum Kind {
    /** In one piece with a {@code Content-Length}. */
    PLAIN,
    /** {@code data:} events, chunked and flushed event by event, then {@code data: [DONE]}. */
    DATA_EVENTS,
    /** An event-stream body sent as is, chunked and flushed at each blank line. */
    RAW_EVENTS,
    /** Nothing at all: the request is read and never answered until the server stops. */
    NO_ANSWER,
    /** No answer: the connection is closed as soon as the request has been read. */
    RESET
  }

  private static final String EVENT_STREAM = "text/event-stream";
  private static final String DONE = "data: [DONE]\n\n";
  private static final int NONE = -1;

  // Not final so that the withers can copy; never changed once a response is handed out.
  private int status;
  private @Nullable String contentType;
  private Body body;
  private List<Map.Entry<String, String>> headers;
  private Duration delay = Duration.ZERO;
  private Kind kind;
  private boolean done = true;
  private Duration eventDelay = Duration.ZERO;
  private int holdAfter = NONE;
  private @Nullable CountDownLatch release;
  private int stallAfter = NONE;
  private int cutAfter = NONE;
  private int bodyStallAfter = NONE;
  private int bodyCutAfter = NONE;
  private boolean rateLimitHeaders;
  private boolean chatAnswer;
  private byte @Nullable [] binary;

  private FakeResponse(int status, @Nullable String contentType, Body body, Kind kind) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = List.of();
    this.kind = kind;
  }

  private FakeResponse copy() {
    FakeResponse copy = new FakeResponse(status, contentType, body, kind);
    copy.headers = headers;
    copy.delay = delay;
    copy.done = done;
    copy.eventDelay = eventDelay;
    copy.holdAfter = holdAfter;
    copy.release = release;
    copy.stallAfter = stallAfter;
    copy.cutAfter = cutAfter;
    copy.bodyStallAfter = bodyStallAfter;
    copy.bodyCutAfter = bodyCutAfter;
    copy.rateLimitHeaders = rateLimitHeaders;
    copy.chatAnswer = chatAnswer;
    copy.binary = binary;
    return copy;
  }

  /** A plain answer whose body is bytes, such as an image; faults of plain answers apply. */
  static FakeResponse binary(int status, String contentType, byte[] body) {
    FakeResponse response = of(status, contentType, (request, sequence) -> "");
    response.binary = body;
    return response;
  }

  static FakeResponse of(int status, @Nullable String contentType, Body body) {
    return new FakeResponse(checkStatus(status), contentType, body, Kind.PLAIN);
  }

  /**
   * A server-sent event stream whose body ends with its own {@code [DONE]}, sent chunked and
   * flushed event by event as OpenAI does.
   */
  static FakeResponse eventStream(Body body) {
    return new FakeResponse(200, EVENT_STREAM, body, Kind.RAW_EVENTS);
  }

  /**
   * A {@code 200} {@code text/event-stream} of the given {@code data:} payloads: each is sent as
   * {@code data: <payload>\n\n}, chunked and flushed on its own, then {@code data: [DONE]\n\n}
   * (see {@link #withoutDone()}). A payload with line breaks is sent as one event of several
   * {@code data:} lines, which a client joins back with {@code \n}.
   *
   * <pre>{@code
   * server.enqueue(FakeResponse.eventStream(List.of("{\"a\":1}", "{\"b\":2}")).cutAfter(1));
   * }</pre>
   *
   * @param dataPayloads the payloads, in order, such as chunk JSON; sent as is, not checked
   * @return the response
   */
  public static FakeResponse eventStream(List<String> dataPayloads) {
    Objects.requireNonNull(dataPayloads, "dataPayloads");
    StringBuilder events = new StringBuilder();
    for (String payload : List.copyOf(dataPayloads)) {
      for (String line : payload.split("\r\n|\r|\n", -1)) {
        events.append("data: ").append(line).append('\n');
      }
      events.append('\n');
    }
    String text = events.toString();
    return new FakeResponse(200, EVENT_STREAM, (request, sequence) -> text, Kind.DATA_EVENTS);
  }

  /**
   * A {@code 200} streamed chat completion whose every chunk is a valid {@code
   * CreateChatCompletionStreamResponse}: a chunk with role {@code assistant} and empty content,
   * {@code content} in pieces of {@code chunkLength} characters (a surrogate pair is never split),
   * a chunk with finish reason {@code stop}, a usage chunk ({@code "choices":[]}, about four
   * characters a token), then {@code data: [DONE]} (see {@link #withoutDone()}). Model {@code
   * gpt-4o-mini}, id {@code chatcmpl-fake-stream}; every chunk but the last has {@code
   * "usage":null}, as with {@code stream_options.include_usage}.
   *
   * @param content the assistant's text; empty sends no content chunk
   * @param chunkLength the characters per content chunk, at least one
   * @return the response
   */
  public static FakeResponse streamedChatCompletion(String content, int chunkLength) {
    Objects.requireNonNull(content, "content");
    if (chunkLength < 1) {
      throw new IllegalArgumentException("chunkLength must be at least 1: " + chunkLength);
    }
    return new FakeResponse(
            200,
            EVENT_STREAM,
            (request, sequence) ->
                OpenAiRoutes.scriptedStream(content, chunkLength, request, sequence),
            Kind.DATA_EVENTS)
        .withRateLimitHeaders()
        .asChatAnswer();
  }

  /**
   * A {@code 200} {@code text/event-stream} with exactly this body, for what a well-behaved
   * stream does not send: comments ({@code : keep-alive}), CRLF line ends, malformed chunks, {@code
   * event: error} events, multi-line {@code data:} fields. It is cut after each blank line
   * ({@code \n\n} or {@code \r\n\r\n}, or the mixed {@code \r\n\n} and {@code \n\r\n}), and
   * each piece is sent as an HTTP chunk and flushed on its own; a rest without a blank line is the
   * last piece. Nothing is added: no {@code [DONE]} unless the body has it.
   *
   * @param body the exact stream text
   * @return the response
   */
  public static FakeResponse rawEventStream(String body) {
    Objects.requireNonNull(body, "body");
    return new FakeResponse(200, EVENT_STREAM, (request, sequence) -> body, Kind.RAW_EVENTS);
  }

  /**
   * A {@code 200} {@code chat.completion} with one choice holding {@code content}, finish reason
   * {@code stop}, and a usage of about four characters a token. Its model is the answered request's
   * {@code model} (or {@code gpt-4o-mini} if the request has none); its id is {@code
   * chatcmpl-fake-<n>}, n being the request's sequence number.
   *
   * @param content the assistant's text
   * @return the response
   */
  public static FakeResponse chatCompletion(String content) {
    Objects.requireNonNull(content, "content");
    return of(
            200,
            JSON,
            (request, sequence) -> OpenAiRoutes.scriptedCompletion(content, request, sequence))
        .withRateLimitHeaders()
        .asChatAnswer();
  }

  /**
   * An OpenAI error: {@code {"error":{"message","type","param":null,"code"}}}.
   *
   * @param status the HTTP status, such as {@code 429}
   * @param type the error type, such as {@code invalid_request_error}
   * @param code the error code, such as {@code rate_limit_exceeded}; {@code null} writes {@code
   *     "code":null}, as OpenAI does for many errors
   * @param message the human-readable message
   * @return the response
   */
  public static FakeResponse error(int status, String type, @Nullable String code, String message) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
    String json = OpenAiRoutes.errorBody(message, type, null, code);
    return of(status, JSON, (request, sequence) -> json);
  }

  /**
   * A raw JSON body, sent as is (it is not checked).
   *
   * @param status the HTTP status
   * @param json the body
   * @return the response
   */
  public static FakeResponse json(int status, String json) {
    Objects.requireNonNull(json, "json");
    return of(status, JSON, (request, sequence) -> json);
  }

  /**
   * Any body with any content type, such as the HTML error page of a proxy, or a scripted {@code
   * text/event-stream}.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header value
   * @param body the body; empty sends none
   * @return the response
   */
  public static FakeResponse body(int status, String contentType, String body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    return of(status, contentType, (request, sequence) -> body);
  }

  /**
   * A {@code 429} rate-limit error with a {@code retry-after} header, as OpenAI sends it.
   *
   * @param retryAfter the wait to announce, sent in whole seconds (at least one)
   * @return the response
   */
  public static FakeResponse rateLimited(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return error(
            429,
            "requests",
            "rate_limit_exceeded",
            "Rate limit reached for requests. Please try again in " + seconds + "s.")
        .header("retry-after", Long.toString(seconds));
  }

  /**
   * An Azure OpenAI error as Azure's gateway writes it, {@code {"error":{"code","message"}}}, for
   * example {@code azureError(404, "DeploymentNotFound", "The API deployment ... does not exist")}.
   * In Azure mode the server answers with these by itself (see {@link
   * FakeOpenAiServer.Builder#azure()}); script one to answer a request that would succeed.
   *
   * @param status the HTTP status
   * @param code Azure's code, such as {@code "401"}, {@code "DeploymentNotFound"} or {@code
   *     "BadRequest"}
   * @param message the message
   * @return the response
   */
  public static FakeResponse azureError(int status, String code, String message) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    return AzureRoutes.error(checkStatus(status), code, message);
  }

  /**
   * A {@code 429} as Azure OpenAI sends it: {@code {"error":{"code":"429","message":...}}} with
   * {@code retry-after} (whole seconds, at least one), {@code retry-after-ms} and {@code
   * x-ms-retry-after-ms} (milliseconds).
   *
   * @param retryAfter the wait to announce
   * @return the response
   */
  public static FakeResponse azureRateLimited(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    long millis = retryAfter.toMillis();
    long seconds = Math.max(1, (millis + 999) / 1000);
    return azureError(
            429,
            "429",
            "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version"
                + " 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing"
                + " tier. Please retry after "
                + seconds
                + " seconds.")
        .header("retry-after", Long.toString(seconds))
        .header("retry-after-ms", Long.toString(millis))
        .header("x-ms-retry-after-ms", Long.toString(millis));
  }

  /**
   * A {@code 400} for a prompt that Azure's content filter blocked, as Azure sends it:
   *
   * <pre>{@code
   * {"error":{"message":"The response was filtered due to the prompt triggering ...",
   *   "type":null,"param":"prompt","code":"content_filter","status":400,
   *   "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{
   *     "hate":{"filtered":false,"severity":"safe"},
   *     "jailbreak":{"filtered":false,"detected":false},
   *     "self_harm":{...},"sexual":{"filtered":true,"severity":"high"},"violence":{...}}}}}
   * }</pre>
   *
   * <p>Azure sends {@code innererror} and {@code content_filter_result}; its OpenAPI description
   * (2024-10-21) names them {@code inner_error} and {@code content_filter_results} and has no
   * {@code status}. The fake follows the service, so a client that reads only the described names
   * misses the categories.
   *
   * @param category the filtered category: {@code hate}, {@code sexual}, {@code violence} or
   *     {@code self_harm}
   * @param severity {@code low}, {@code medium} or {@code high}
   * @return the response
   */
  public static FakeResponse azureContentFilterError(String category, String severity) {
    AzureRoutes.checkFiltered(category, severity);
    Map<String, @Nullable Object> error = new LinkedHashMap<>();
    error.put("message", AzureRoutes.PROMPT_FILTERED);
    error.put("type", null);
    error.put("param", "prompt");
    error.put("code", "content_filter");
    error.put("status", 400);
    error.put(
        "innererror",
        Json.object(
            "code",
            "ResponsibleAIPolicyViolation",
            "content_filter_result",
            AzureRoutes.promptResults(category, severity)));
    String json = Json.write(Json.object("error", error));
    return of(400, JSON, (request, sequence) -> json);
  }

  /**
   * A {@code 200} chat completion whose answer Azure's content filter withheld: one choice with
   * finish reason {@code content_filter}, {@code content} null, and {@code content_filter_results}
   * with {@code category} filtered at {@code severity}; the prompt's {@code prompt_filter_results}
   * are all safe. Model and id as for {@link #chatCompletion(String)}. For a streamed request,
   * script {@link #azureContentFilteredStream} instead.
   *
   * @param category the filtered category: {@code hate}, {@code sexual}, {@code violence} or
   *     {@code self_harm}
   * @param severity {@code low}, {@code medium} or {@code high}
   * @return the response
   */
  public static FakeResponse azureContentFilteredCompletion(String category, String severity) {
    AzureRoutes.checkFiltered(category, severity);
    return of(
            200,
            JSON,
            (request, sequence) ->
                AzureRoutes.filter(
                    OpenAiRoutes.scriptedCompletion("", request, sequence),
                    AzureRoutes.choiceResults(category, severity)))
        .withRateLimitHeaders();
  }

  /**
   * A {@code 200} streamed chat completion that Azure's content filter stops: Azure's first chunk
   * (empty {@code choices}, {@code prompt_filter_results}), a role chunk, {@code partialContent}
   * in pieces of eight characters with safe {@code content_filter_results}, then a chunk with
   * finish reason {@code content_filter} whose {@code content_filter_results} have {@code
   * category} filtered at {@code severity}, a usage chunk and {@code [DONE]}.
   *
   * @param partialContent the text sent before the filter stopped the answer; may be empty
   * @param category the filtered category: {@code hate}, {@code sexual}, {@code violence} or
   *     {@code self_harm}
   * @param severity {@code low}, {@code medium} or {@code high}
   * @return the response
   */
  public static FakeResponse azureContentFilteredStream(
      String partialContent, String category, String severity) {
    Objects.requireNonNull(partialContent, "partialContent");
    AzureRoutes.checkFiltered(category, severity);
    return new FakeResponse(
            200,
            EVENT_STREAM,
            (request, sequence) ->
                AzureRoutes.filterStream(
                    OpenAiRoutes.scriptedStream(partialContent, 8, request, sequence),
                    AzureRoutes.choiceResults(category, severity)),
            Kind.DATA_EVENTS)
        .withRateLimitHeaders();
  }

  /**
   * An HTML error page such as a proxy or load balancer sends instead of an OpenAI error, with
   * {@code Content-Type: text/html}: {@code <html><head><title>502 Bad Gateway</title>...}.
   *
   * @param status the HTTP status, such as {@code 502}
   * @return the response
   */
  public static FakeResponse htmlErrorPage(int status) {
    String title = status + " " + reason(checkStatus(status));
    String page =
        "<html>\r\n<head><title>"
            + title
            + "</title></head>\r\n<body>\r\n<center><h1>"
            + title
            + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    return body(status, "text/html", page);
  }

  private static String reason(int status) {
    switch (status) {
      case 400:
        return "Bad Request";
      case 403:
        return "Forbidden";
      case 404:
        return "Not Found";
      case 429:
        return "Too Many Requests";
      case 500:
        return "Internal Server Error";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Temporarily Unavailable";
      case 504:
        return "Gateway Time-out";
      default:
        return "Error";
    }
  }

  /**
   * A request that is read and recorded but never answered: no status line, no headers, until
   * the server is closed, which drops the connection and ends the handler. Provokes a client's
   * timeout while it waits for the response headers. Headers, delays and faults added to it are
   * ignored.
   *
   * @return the response
   */
  public static FakeResponse noHeaders() {
    return new FakeResponse(200, null, (request, sequence) -> "", Kind.NO_ANSWER);
  }

  /**
   * A request that is read and recorded, then answered by closing the connection without any
   * response, as a crashed server or a proxy that drops the connection does; the client sees a
   * connection error. Headers and faults added to it are ignored; a {@link #delay} still applies
   * before the connection is closed.
   *
   * @return the response
   */
  public static FakeResponse resetConnection() {
    return new FakeResponse(200, null, (request, sequence) -> "", Kind.RESET);
  }

  /**
   * Returns a copy with one more response header; a header may be added several times.
   *
   * @param name the header name; {@code x-request-id} replaces the server's own
   * @param value the value
   * @return the copy
   */
  public FakeResponse header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new IllegalArgumentException("Not a valid header name: '" + name + "'");
    }
    if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw new IllegalArgumentException("A header value cannot contain CR or LF: " + name);
    }
    List<Map.Entry<String, String>> more = new ArrayList<>(headers);
    more.add(Map.entry(name, value));
    FakeResponse copy = copy();
    copy.headers = List.copyOf(more);
    return copy;
  }

  /**
   * Returns a copy that waits before sending the status line and headers, to provoke a client's
   * read timeout. Closing the server ends the wait.
   *
   * @param delay the wait; zero for none
   * @return the copy
   */
  public FakeResponse delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    FakeResponse copy = copy();
    copy.delay = delay;
    return copy;
  }

  /**
   * Returns a copy of this event stream that waits before each event but the first, the {@code
   * [DONE]} event included. Closing the server ends the wait.
   *
   * @param delay the wait between events; zero for none
   * @return the copy
   * @throws IllegalStateException if this is not an event stream
   */
  public FakeResponse eventDelay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    FakeResponse copy = streamCopy("eventDelay");
    copy.eventDelay = delay;
    return copy;
  }

  /**
   * Returns a copy of this event stream that sends its first {@code events} events, then waits
   * until {@code release} is counted down before it sends the rest; closing the server ends the
   * wait and drops the connection. With {@code holdAfter(1, release)} a client can read the first
   * event while the rest is held back.
   *
   * @param events how many events to send first ({@code [DONE]} counts as one); {@code 0} holds
   *     back the whole body but not the headers
   * @param release the latch the test counts down to send the rest
   * @return the copy
   * @throws IllegalStateException if this is not an event stream
   */
  public FakeResponse holdAfter(int events, CountDownLatch release) {
    Objects.requireNonNull(release, "release");
    FakeResponse copy = streamCopy("holdAfter");
    copy.holdAfter = checkEvents(events);
    copy.release = release;
    return copy;
  }

  /**
   * Returns a copy of this event stream that sends its first {@code events} events, then sends
   * nothing more and keeps the connection open until the server is closed, to provoke a client's
   * idle or read timeout. The chunked body is never terminated.
   *
   * @param events how many events to send ({@code [DONE]} counts as one)
   * @return the copy
   * @throws IllegalStateException if this is not an event stream
   */
  public FakeResponse stallAfter(int events) {
    FakeResponse copy = streamCopy("stallAfter");
    copy.stallAfter = checkEvents(events);
    return copy;
  }

  /**
   * Returns a copy of this event stream that sends its first {@code events} events, then closes
   * the connection abruptly, without the terminating empty chunk, as when a connection is lost
   * mid-stream. A JDK {@code HttpClient} then fails the body with {@code IOException: closed}.
   *
   * <p>That client fails the body as soon as it notices the cut, dropping events it received but
   * has not handed to the reader yet. To assert that a client saw the first {@code n} events
   * before the failure, hold at the same count; the hold comes first:
   *
   * <pre>{@code
   * CountDownLatch seen = new CountDownLatch(1);
   * server.enqueue(FakeResponse.streamedChatCompletion("Hello", 1).holdAfter(3, seen).cutAfter(3));
   * // count seen down once the client has read three events; then the connection drops
   * }</pre>
   *
   * @param events how many events to send ({@code [DONE]} counts as one)
   * @return the copy
   * @throws IllegalStateException if this is not an event stream
   */
  public FakeResponse cutAfter(int events) {
    FakeResponse copy = streamCopy("cutAfter");
    copy.cutAfter = checkEvents(events);
    return copy;
  }

  /**
   * Returns a copy of this {@link #eventStream(List)} or {@link #streamedChatCompletion} that ends
   * without {@code data: [DONE]}; the body still ends properly.
   *
   * @return the copy
   * @throws IllegalStateException for any other response, such as a {@link #rawEventStream}
   */
  public FakeResponse withoutDone() {
    if (kind != Kind.DATA_EVENTS) {
      throw new IllegalStateException(
          "withoutDone() applies to eventStream(...) and streamedChatCompletion(...) only"
              + (kind == Kind.RAW_EVENTS
                  ? "; a rawEventStream(...) adds no [DONE]: leave it out of the body"
                  : ", not to " + this));
    }
    FakeResponse copy = copy();
    copy.done = false;
    return copy;
  }

  /**
   * Returns a copy of this plain response (not an event stream) that announces its full {@code
   * Content-Length} but sends only the first {@code bytes} bytes of its UTF-8 body, then nothing
   * more, keeping the connection open until the server is closed: a body that stops half way.
   * At or past the body's length the whole body is sent, then the connection is held open.
   *
   * <pre>{@code
   * server.enqueue(FakeResponse.chatCompletion("A long answer").bodyStallAfter(20));
   * }</pre>
   *
   * @param bytes how many bytes of the body to send
   * @return the copy
   * @throws IllegalStateException if this is an event stream (see {@link #stallAfter(int)})
   */
  public FakeResponse bodyStallAfter(int bytes) {
    FakeResponse copy = plainCopy("bodyStallAfter", "stallAfter");
    copy.bodyStallAfter = checkBytes(bytes);
    return copy;
  }

  /**
   * Returns a copy of this plain response (not an event stream) that announces its full {@code
   * Content-Length}, sends only the first {@code bytes} bytes of its UTF-8 body, then closes the
   * connection abruptly: the client sees the body cut short. At or past the body's length the
   * whole body is sent before the connection is closed.
   *
   * @param bytes how many bytes of the body to send
   * @return the copy
   * @throws IllegalStateException if this is an event stream (see {@link #cutAfter(int)})
   */
  public FakeResponse bodyCutAfter(int bytes) {
    FakeResponse copy = plainCopy("bodyCutAfter", "cutAfter");
    copy.bodyCutAfter = checkBytes(bytes);
    return copy;
  }

  private FakeResponse plainCopy(String method, String streamMethod) {
    if (kind != Kind.PLAIN) {
      throw new IllegalStateException(
          method
              + "(...) applies to plain responses only, not to "
              + this
              + (isEventStream() ? "; for event streams use " + streamMethod + "(...)" : ""));
    }
    return copy();
  }

  private static int checkBytes(int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    return bytes;
  }

  /** Marks a successful chat answer, which the server sends with its {@code x-ratelimit-*}. */
  FakeResponse withRateLimitHeaders() {
    FakeResponse copy = copy();
    copy.rateLimitHeaders = true;
    return copy;
  }

  /**
   * Marks a scripted chat answer, to which Azure mode adds its content-filter annotations like it
   * does to its own answers.
   */
  private FakeResponse asChatAnswer() {
    FakeResponse copy = copy();
    copy.chatAnswer = true;
    return copy;
  }

  boolean chatAnswer() {
    return chatAnswer;
  }

  /** A copy whose rendered body (a whole stream, without the added {@code [DONE]}) is changed. */
  FakeResponse mapBody(UnaryOperator<String> change) {
    Body original = body;
    FakeResponse copy = copy();
    copy.body = (request, sequence) -> change.apply(original.render(request, sequence));
    return copy;
  }

  private FakeResponse streamCopy(String method) {
    if (!isEventStream()) {
      throw new IllegalStateException(
          method
              + "(...) applies to event streams only (eventStream, streamedChatCompletion,"
              + " rawEventStream), not to "
              + this);
    }
    return copy();
  }

  private static int checkEvents(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("events must not be negative: " + events);
    }
    return events;
  }

  /**
   * Returns the HTTP status.
   *
   * @return the status code
   */
  public int status() {
    return status;
  }

  @Nullable String contentType() {
    return contentType;
  }

  List<Map.Entry<String, String>> headers() {
    return headers;
  }

  boolean isEventStream() {
    return kind == Kind.DATA_EVENTS || kind == Kind.RAW_EVENTS;
  }

  Kind kind() {
    return kind;
  }

  /** The number of body bytes to send before stalling; -1 for none. */
  int bodyStallAfter() {
    return bodyStallAfter;
  }

  /** The number of body bytes to send before dropping the connection; -1 for none. */
  int bodyCutAfter() {
    return bodyCutAfter;
  }

  boolean rateLimitHeaders() {
    return rateLimitHeaders;
  }

  Duration eventDelay() {
    return eventDelay;
  }

  /** The number of events to send before waiting for {@link #release()}; -1 for none. */
  int holdAfter() {
    return holdAfter;
  }

  @Nullable CountDownLatch release() {
    return release;
  }

  /** The number of events to send before stalling; -1 for none. */
  int stallAfter() {
    return stallAfter;
  }

  /** The number of events to send before dropping the connection; -1 for none. */
  int cutAfter() {
    return cutAfter;
  }

  Duration delayBeforeHeaders() {
    return delay;
  }

  String render(RecordedRequest request, int sequence) {
    String text = body.render(request, sequence);
    return kind == Kind.DATA_EVENTS && done ? text + DONE : text;
  }

  /** The body as sent: the bytes of a binary answer, else the rendered text in UTF-8. */
  byte[] renderBytes(RecordedRequest request, int sequence) {
    byte[] bytes = binary;
    return bytes != null ? bytes : render(request, sequence).getBytes(StandardCharsets.UTF_8);
  }

  /** The rendered event stream cut after each blank line, each piece to be flushed on its own. */
  List<byte[]> renderEvents(RecordedRequest request, int sequence) {
    return splitEvents(render(request, sequence));
  }

  static List<byte[]> splitEvents(String text) {
    List<byte[]> events = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '\n') {
        continue;
      }
      int end;
      if (text.startsWith("\n", i + 1)) {
        end = i + 2;
      } else if (text.startsWith("\r\n", i + 1)) {
        end = i + 3;
      } else {
        continue;
      }
      events.add(text.substring(start, end).getBytes(StandardCharsets.UTF_8));
      start = end;
      i = end - 1;
    }
    if (start < text.length()) {
      events.add(text.substring(start).getBytes(StandardCharsets.UTF_8));
    }
    return events;
  }

  private static int checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
    return status;
  }

  @Override
  public String toString() {
    if (kind == Kind.NO_ANSWER) {
      return "FakeResponse[no headers]";
    }
    if (kind == Kind.RESET) {
      return "FakeResponse[reset connection]";
    }
    return "FakeResponse[" + status + (contentType == null ? "" : " " + contentType) + "]";
  }
}
