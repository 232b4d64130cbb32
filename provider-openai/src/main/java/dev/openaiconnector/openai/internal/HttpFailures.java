package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.CallInterruptedException;
import dev.openaiconnector.api.ConfigurationException;
import dev.openaiconnector.api.ConnectionException;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterException;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.InvalidRequestException;
import dev.openaiconnector.api.QuotaExceededException;
import dev.openaiconnector.api.RateLimitException;
import dev.openaiconnector.api.RequestTimeoutException;
import dev.openaiconnector.openai.Network;
import dev.openaiconnector.api.ServerException;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.internal.ErrorResponseDto.ErrorDto;
import dev.openaiconnector.spi.HttpErrors;
import feign.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns an HTTP error response into the api's exception: the OpenAI error body when there is one,
 * a short excerpt of anything else (an HTML page from a proxy), the request id and the server's
 * requested wait. Messages are scrubbed by a {@link Redactor}: of the configured key itself, and of
 * anything that looks like an API key, because OpenAI quotes a masked fragment of a wrong key back
 * in its 401 message.
 *
 * <p>A failure to send or to read is, in this order: a {@link CallInterruptedException} when the
 * calling thread was interrupted (its interrupt flag is set again); a {@link
 * RequestTimeoutException} when the headers did not come in time or the deadline stopped the
 * body; a {@link ConfigurationException}, not retried, when a proxy wants credentials it did not
 * get (HTTP 407); else a {@link ConnectionException}.
 */
public final class HttpFailures {
  private static final int EXCERPT_LENGTH = 200;
  private static final Pattern TAGS = Pattern.compile("<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern TRAILING_COLON = Pattern.compile("[:\\s]+$");
  private static final byte[] NO_BODY = new byte[0];

  /** The longest body read into an array of its announced length at once; a longer one grows. */
  private static final int MAX_PRESIZED_BODY = 64 * 1024 * 1024;

  private static final List<String> OPENAI_REQUEST_ID = List.of("x-request-id");
  private final String providerId;
  private final String providerName;
  private final ObjectReader errorReader;
  private final Redactor redactor;
  private final List<String> requestIdHeaders;
  private final @Nullable String regionHeader;

  /**
   * Creates the mapper for OpenAI's headers: the request id from {@code x-request-id}, no region.
   *
   * @param providerId the id exceptions carry, for example {@code openai}
   * @param providerName the name messages use, for example {@code OpenAI}
   * @param errorReader a reader for {@link ErrorResponseDto}
   * @param redactor removes the secrets from messages, the configured key among them
   */
  public HttpFailures(
      String providerId, String providerName, ObjectReader errorReader, Redactor redactor) {
    this(providerId, providerName, errorReader, redactor, OPENAI_REQUEST_ID, null);
  }

  /**
   * Creates the mapper.
   *
   * @param providerId the id exceptions carry, for example {@code openai}
   * @param providerName the name messages use, for example {@code OpenAI}
   * @param errorReader a reader for {@link ErrorResponseDto}
   * @param redactor removes the secrets from messages, the configured key among them
   * @param requestIdHeaders the headers that may carry the request id; the first present wins
   * @param regionHeader the header that names the region that answered, for error messages; or
   *     null
   */
  public HttpFailures(
      String providerId,
      String providerName,
      ObjectReader errorReader,
      Redactor redactor,
      List<String> requestIdHeaders,
      @Nullable String regionHeader) {
    this.providerId = providerId;
    this.providerName = providerName;
    this.errorReader = errorReader;
    this.redactor = redactor;
    this.requestIdHeaders = List.copyOf(requestIdHeaders);
    this.regionHeader = regionHeader;
  }

  /**
   * Maps an error response.
   *
   * @param status the HTTP status, 400 or above
   * @param headers the response headers, case-insensitive
   * @param body the whole response body
   * @return the exception to throw
   */
  public ConnectorException toException(
      int status, Map<String, Collection<String>> headers, byte[] body) {
    ErrorDto error = parse(body);
    if (error != null) {
      String message =
          providerName
              + " rejected the request: "
              + redact(error.message() == null ? "(no message)" : error.message())
              + region(headers);
      ErrorDetails details =
          new ErrorDetails(
              providerId,
              status,
              redactOrNull(error.type()),
              redactOrNull(code(error.code())),
              redactOrNull(error.param()),
              requestId(headers),
              retryAfter(headers));
      return map(status, message, details, error);
    }
    String message =
        providerName + " answered HTTP " + status + " with a body that is not an OpenAI error"
            + excerpt(body)
            + region(headers);
    return HttpErrors.toException(
        message,
        new ErrorDetails(
            providerId, status, null, null, null, requestId(headers), retryAfter(headers)));
  }

  /**
   * Gives a content-filter refusal its report. Azure may say {@code content_filter} only in the
   * inner error's code ({@code ResponsibleAIPolicyViolation}), which the status table does not
   * see; and only Azure's error body carries the categories.
   */
  private static ConnectorException map(
      int status, String message, ErrorDetails details, ErrorDto error) {
    ConnectorException mapped = HttpErrors.toException(status, message, details);
    boolean filtered =
        mapped instanceof ContentFilterException
            || (mapped instanceof InvalidRequestException
                && HttpErrors.isContentFilter(ContentFilters.innerCode(error)));
    return filtered
        ? new ContentFilterException(message, details, null, ContentFilters.fromError(error))
        : mapped;
  }

  /**
   * Maps an error the server reported inside an event stream ({@code data: {"error": {...}}},
   * possibly after {@code event: error}), after it had answered {@code 200}. With no HTTP status
   * to go by, the exception type follows the error's code and type the way the status table would
   * have, and the details keep the real status of the response:
   *
   * <table>
   *   <caption>Stream error to exception</caption>
   *   <tr><th>Error</th><th>Exception</th></tr>
   *   <tr><td>{@code code} an HTTP error status (400..599), as vLLM and LiteLLM send</td>
   *       <td>the status table of {@link HttpErrors}, with that status</td></tr>
   *   <tr><td>code or type {@code insufficient_quota}</td>
   *       <td>{@link QuotaExceededException}</td></tr>
   *   <tr><td>code {@code rate_limit_exceeded}; type {@code rate_limit_error}, {@code requests} or
   *       {@code tokens}</td><td>{@link RateLimitException}</td></tr>
   *   <tr><td>a content-filter code</td><td>{@link ContentFilterException}</td></tr>
   *   <tr><td>type {@code invalid_request_error}</td><td>{@link InvalidRequestException}</td></tr>
   *   <tr><td>anything else ({@code server_error}, none, not an OpenAI error)</td>
   *       <td>{@link ServerException}, retriable</td></tr>
   * </table>
   *
   * @param data the event's data
   * @param streamDetails the details of the stream: status and request id
   * @param region what {@link #region} said of the stream's response headers
   * @return the exception to throw
   */
  public ConnectorException streamError(byte[] data, ErrorDetails streamDetails, String region) {
    ErrorDto error = parse(data);
    if (error == null) {
      return new ServerException(
          providerName + " reported an error in the stream that is not an OpenAI error"
              + excerpt(data)
              + region,
          streamDetails,
          null);
    }
    String message =
        providerName
            + " reported an error in the stream: "
            + redact(error.message() == null ? "(no message)" : error.message())
            + region;
    // Type, code and param end up in the exception's message like the server's message does.
    String code = redactOrNull(code(error.code()));
    String type = redactOrNull(error.type());
    // A numeric code (vLLM, LiteLLM) is the status itself; otherwise the status the error stands
    // for, so that the one status table decides as it does for HTTP errors.
    int status = errorStatus(code);
    ErrorDetails details =
        new ErrorDetails(
            providerId,
            status != 0 ? status : streamDetails.status(),
            type,
            code,
            redactOrNull(error.param()),
            streamDetails.requestId(),
            null);
    return map(status != 0 ? status : statusOf(code, type), message, details, error);
  }

  private static int statusOf(@Nullable String code, @Nullable String type) {
    if ("insufficient_quota".equals(code)
        || "insufficient_quota".equals(type)
        || "rate_limit_exceeded".equals(code)
        || "rate_limit_error".equals(type)
        || "requests".equals(type)
        || "tokens".equals(type)) {
      return 429;
    }
    if ("invalid_request_error".equals(type) || HttpErrors.isContentFilter(code)) {
      return 400;
    }
    return 500;
  }

  private static int errorStatus(@Nullable String code) {
    if (code == null || code.length() != 3) {
      return 0;
    }
    try {
      int status = Integer.parseInt(code);
      return status >= 400 && status <= 599 ? status : 0;
    } catch (NumberFormatException notAStatus) {
      return 0;
    }
  }

  /**
   * Maps what a call of {@link OpenAiHttpApi} threw: an {@link UncheckedIOException} (sending, or
   * receiving the response headers, failed) as {@link #transportFailure(UncheckedIOException)}
   * does; anything else, which comes out unwrapped, as a {@link ConfigurationException}. That is how the JDK client refuses a header value it cannot
   * send (a line break or a non-ASCII character in a setting), and its message quotes the value
   * in full, so only the text before the quote is kept, redacted, and there is no cause. A {@link
   * ConnectorException} (what the authentication threw while adding its headers) and a {@link
   * DeadlineClient.ProviderClosedException} are returned as they are.
   *
   * @param e what the call threw
   * @return the exception to throw
   */
  public RuntimeException callFailure(RuntimeException e) {
    if (e instanceof ConnectorException) {
      // The authentication's own failure, such as a token server refusing the client.
      return e;
    }
    if (e instanceof UncheckedIOException) {
      return transportFailure((UncheckedIOException) e);
    }
    if (e instanceof DeadlineClient.ProviderClosedException) {
      return e;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    int quote = message.indexOf('"');
    String reason = redact(quote < 0 ? message : message.substring(0, quote));
    reason = TRAILING_COLON.matcher(reason).replaceAll("");
    return new ConfigurationException(
        "The call to "
            + providerId
            + " could not be sent ("
            + e.getClass().getSimpleName()
            + (reason.isEmpty() ? "" : ": " + reason)
            + "); check the settings sent as headers (the API key or other credential, the"
            + " organization, the project) for line breaks, spaces or non-ASCII characters",
        null);
  }

  /**
   * Maps a failure to send the request or to receive the response headers.
   *
   * @param e what the call threw
   * @return a {@link CallInterruptedException}, a {@link RequestTimeoutException}, a {@link
   *     ConfigurationException} or a {@link ConnectionException}
   */
  private ConnectorException transportFailure(UncheckedIOException e) {
    // The message is where the call went (DirectHttpApi#target); the details name the provider.
    String where = e.getMessage() == null ? providerId : e.getMessage();
    return ioFailure(e.getCause(), "The call to " + where, ErrorDetails.ofProvider(providerId));
  }

  /**
   * Maps a failure of the connection, classified as this class describes.
   *
   * @param cause what failed
   * @param what what was going on, for example {@code The call to openai}
   * @param details the status and request id, as far as known
   * @return the exception to throw
   */
  public ConnectorException ioFailure(Throwable cause, String what, ErrorDetails details) {
    if (isInterruption(cause)) {
      Thread.currentThread().interrupt();
      return new CallInterruptedException(what + " was interrupted", details, cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return new RequestTimeoutException(
          what + " timed out (" + cause.getMessage() + ")", details, cause);
    }
    if (cause instanceof DeadlineClient.ProxyRefusedException) {
      return Network.proxyRefused(what + " could not go through the proxy");
    }
    if (has(cause, DeadlineClient.BodyTimeoutException.class)) {
      return new RequestTimeoutException(
          what + " timed out: the deadline passed while the response body was read",
          details,
          cause);
    }
    return new ConnectionException(
        what
            + " failed ("
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + redactor.redact(cause.getMessage()))
            + ")",
        details,
        cause);
  }

  /**
   * Tells whether a failure comes from the calling thread being interrupted: an {@link
   * InterruptedException} or {@link ClosedByInterruptException} in the causes, or any failure
   * while the thread's interrupt flag is set (an {@link InterruptedIOException} without it is a
   * socket timeout). The flag matters because the JDK 17 client's body stream does not end a
   * blocked read when interrupted; the read ends later, by the deadline or the server.
   *
   * @param failure what failed
   * @return true for an interruption
   */
  public static boolean isInterruption(Throwable failure) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The failure for a call whose deadline passed before it was sent.
   *
   * @return the exception to throw
   */
  public RequestTimeoutException deadlineExpired() {
    return new RequestTimeoutException(
        "The deadline of the call to " + providerId + " passed before it was sent",
        ErrorDetails.ofProvider(providerId),
        null);
  }

  /**
   * Reads a response body to its end: the JDK client returns a connection to its pool only once
   * the body has been consumed, and a JSON parser stops at the closing brace.
   *
   * @param response the response, not closed here
   * @return the whole body, empty for none
   * @throws ConnectorException a {@link ConnectionException} if the connection fails while
   *     reading, a {@link RequestTimeoutException} if the deadline stops it, a {@link
   *     CallInterruptedException} if the thread is interrupted
   */
  public byte[] readAll(Response response) {
    Response.Body body = response.body();
    if (body == null) {
      return NO_BODY;
    }
    try (InputStream in = body.asInputStream()) {
      if (in instanceof ByteArrayInputStream) {
        // Already in memory (a plain call's body): handed over, or copied once.
        return in.readAllBytes();
      }
      Integer length = body.length();
      return length != null && length >= 0 && length <= MAX_PRESIZED_BODY
          ? readAll(in, length)
          : in.readAllBytes();
    } catch (IOException e) {
      throw ioFailure(
          e,
          "Reading the response body of " + providerId,
          DeadlineClient.received(response).details());
    }
  }

  // With the length known, into one array of that size: readAllBytes would read into 8 KB pieces
  // and copy them together, which for an embeddings body is its size again in garbage and copying.
  private static byte[] readAll(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    int read = in.readNBytes(bytes, 0, length);
    if (read < length) {
      return Arrays.copyOf(bytes, read);
    }
    int next = in.read();
    if (next < 0) {
      return bytes;
    }
    // More than the length said: keep it all, as readAllBytes would have.
    byte[] rest = in.readAllBytes();
    byte[] all = Arrays.copyOf(bytes, length + 1 + rest.length);
    all[length] = (byte) next;
    System.arraycopy(rest, 0, all, length + 1, rest.length);
    return all;
  }

  /**
   * The failure for a body or chunk that is not what the API sends. The parser's own message is
   * left out: it quotes the input, which holds the answer.
   *
   * @param what what could not be read, for example {@code The chat completion}
   * @param cause the parser's failure, or null when the input parsed to nothing usable
   * @param length the input's length in bytes
   * @param details the status and request id
   * @return the exception to throw
   */
  public UnexpectedResponseException unreadable(
      String what, @Nullable IOException cause, int length, ErrorDetails details) {
    String where = "";
    if (cause instanceof JsonProcessingException) {
      JsonLocation location = ((JsonProcessingException) cause).getLocation();
      where =
          " ("
              + cause.getClass().getSimpleName()
              + (location == null ? "" : " at column " + location.getColumnNr())
              + ")";
    } else if (cause != null) {
      where = " (" + cause.getClass().getSimpleName() + ")";
    }
    return new UnexpectedResponseException(
        what + " could not be read" + where + "; it had " + length + " bytes", details, null);
  }

  /**
   * Returns the provider's name for messages.
   *
   * @return the name, for example {@code OpenAI}
   */
  public String providerName() {
    return providerName;
  }

  /**
   * Details for a failure after the status was known, for example an unreadable body.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @return the details
   */
  public ErrorDetails details(int status, Map<String, Collection<String>> headers) {
    return new ErrorDetails(providerId, status, null, null, null, requestId(headers), null);
  }

  private @Nullable ErrorDto parse(byte[] body) {
    if (body.length == 0 || body[0] != '{') {
      return null;
    }
    try {
      ErrorResponseDto parsed = errorReader.readValue(body);
      return parsed.error();
    } catch (IOException | RuntimeException notAnOpenAiError) {
      return null;
    }
  }

  private static @Nullable String code(@Nullable JsonNode code) {
    return code == null || code.isNull() ? null : code.asText();
  }

  /**
   * Returns the request id: the first of the configured headers that is present ({@code
   * x-request-id} for OpenAI).
   *
   * @param headers the response headers, case-insensitive
   * @return the request id, or null
   */
  private @Nullable String requestId(Map<String, Collection<String>> headers) {
    for (int i = 0, n = requestIdHeaders.size(); i < n; i++) {
      String id = first(headers, requestIdHeaders.get(i));
      if (id != null) {
        return id;
      }
    }
    return null;
  }

  /**
   * Names the region that answered, for the end of an error message, where the provider says
   * (Azure's {@code x-ms-region}).
   *
   * @param headers the response headers, case-insensitive
   * @return {@code " (region <name>)"}, or empty when no region header is configured or sent
   */
  public String region(Map<String, Collection<String>> headers) {
    String region = regionHeader == null ? null : first(headers, regionHeader);
    return region == null || region.isBlank() ? "" : " (region " + redact(region.strip()) + ")";
  }

  /**
   * Returns the server's requested wait: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or
   * {@code Retry-After} in seconds or as an HTTP date.
   *
   * @param headers the response headers, case-insensitive
   * @return the wait, or null when none was given or it cannot be read
   */
  static @Nullable Duration retryAfter(Map<String, Collection<String>> headers) {
    for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
      String millis = first(headers, name);
      if (millis != null) {
        try {
          return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.strip())));
        } catch (NumberFormatException ignored) {
          // fall through to the next form
        }
      }
    }
    String retryAfter = first(headers, "retry-after");
    if (retryAfter == null) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(retryAfter.strip()) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant until =
            ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), until);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }

  /**
   * Returns the first value of a header.
   *
   * @param headers the response headers, case-insensitive
   * @param name the header name
   * @return the first value, or null when the header is absent
   */
  static @Nullable String first(Map<String, Collection<String>> headers, String name) {
    Collection<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.iterator().next();
  }

  private String excerpt(byte[] body) {
    if (body.length == 0) {
      return " (empty body)";
    }
    // Redacted whole before any cut, so that a cut cannot leave half a key behind.
    String text = cut(redact(new String(body, StandardCharsets.UTF_8)), 4096);
    text = SPACES.matcher(TAGS.matcher(text).replaceAll(" ")).replaceAll(" ").strip();
    return ": " + (text.length() > EXCERPT_LENGTH ? cut(text, EXCERPT_LENGTH) + "…" : text);
  }

  private static String cut(String text, int length) {
    if (text.length() <= length) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
    return text.substring(0, end);
  }

  private String redact(String text) {
    return redactor.redact(text);
  }

  private @Nullable String redactOrNull(@Nullable String text) {
    return text == null ? null : redactor.redact(text);
  }
}
