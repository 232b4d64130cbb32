package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.openaiconnector.openai.Authentication;
import dev.openaiconnector.spi.Deadline;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAI REST operations of {@link OpenAiHttpApi}, each one {@code POST} of a JSON body: the
 * DTO written by Jackson, the headers of the call (content type, accept, the authentication's,
 * then the fixed ones), one Feign {@link Request} sent through Feign's {@link Client} (the
 * provider's {@link DeadlineClient}, over the JDK client), Feign's {@link Response} handed back.
 * Nulls are left out of the body and names are snake_case, as the provider's mapper says.
 *
 * <p>Why not a Feign proxy of the interface ({@code Feign.builder()...target(...)}): the operations
 * are four fixed POSTs whose response the ports read themselves, so Feign's contract, templates and
 * response handling did nothing for them but cost, and the cost missed the benchmark targets. Built
 * on this same client, with the response handed back unread by a response interceptor and the body
 * written straight to bytes, the proxy allocated 56.9 KB per chat call against 36.5 KB without it
 * (the reference, the JDK client with Jackson, 31 KB) and took 1.17 of the reference's time. A
 * profile put it in the request template, copied and expanded twice per call with each header
 * through its own template, in the streams Feign opens per call to find the options, and in a
 * second copy of the response headers. What the proxy did that mattered is kept: an {@link
 * IOException} from sending comes out wrapped ({@link UncheckedIOException} here, mapped by {@link
 * HttpFailures#callFailure}), and what the authentication or the JDK client's header checks throw
 * comes out as it is. Thread-safe.
 */
public final class DirectHttpApi implements OpenAiHttpApi {
  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final List<String> CONTENT_TYPE = List.of(JSON);
  private static final List<String> ACCEPT_JSON = List.of(JSON);
  private static final List<String> ACCEPT_EVENT_STREAM = List.of(EVENT_STREAM);

  private static final Deadline NO_DEADLINE = Deadline.after(Deadline.LONGEST_TIMEOUT);

  private final Client client;
  private final ObjectWriter writer;
  private final Authentication authentication;
  private final List<Map.Entry<String, List<String>>> fixedHeaders;

  /**
   * Creates the API.
   *
   * @param client sends each request; the provider's {@link DeadlineClient}
   * @param writer writes the request DTOs, from the provider's mapper
   * @param authentication adds its headers to each request, asked anew for each one
   * @param fixedHeaders the headers every request carries after the authentication's, such as
   *     {@code User-Agent}, in order
   */
  public DirectHttpApi(
      Client client,
      ObjectWriter writer,
      Authentication authentication,
      Map<String, String> fixedHeaders) {
    this.client = client;
    this.writer = writer;
    this.authentication = authentication;
    List<Map.Entry<String, List<String>>> fixed = new ArrayList<>(fixedHeaders.size());
    for (Map.Entry<String, String> header : fixedHeaders.entrySet()) {
      fixed.add(Map.entry(header.getKey(), List.of(header.getValue())));
    }
    this.fixedHeaders = List.copyOf(fixed);
  }

  @Override
  public Response createChatCompletion(
      URI url, ChatCompletionRequestDto body, Request.Options options) {
    return post(url, body, ACCEPT_JSON, options);
  }

  @Override
  public Response streamChatCompletion(
      URI url, ChatCompletionRequestDto body, Request.Options options) {
    return post(url, body, ACCEPT_EVENT_STREAM, options);
  }

  @Override
  public Response createEmbeddings(URI url, EmbeddingRequestDto body, Request.Options options) {
    return post(url, body, ACCEPT_JSON, options);
  }

  @Override
  public Response createImages(URI url, ImageRequestDto body, Request.Options options) {
    return post(url, body, ACCEPT_JSON, options);
  }

  private Response post(URI url, Object dto, List<String> accept, Request.Options options) {
    byte[] body;
    try {
      body = writer.writeValueAsBytes(dto);
    } catch (JsonProcessingException e) {
      // Only a bug can get here: every DTO field is a plain value or a parsed JSON tree. The
      // message is left out, as it may quote the request.
      throw new IllegalStateException(
          "the request body could not be written (" + e.getClass().getSimpleName() + ")", null);
    }
    // Case-insensitive, as Feign's templates kept them: one header set twice in two spellings is
    // one header with two values.
    Map<String, Collection<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Type", CONTENT_TYPE);
    headers.put("Accept", accept);
    authentication.addHeaders((name, value) -> add(headers, name, value), deadlineOf(options));
    for (int i = 0, n = fixedHeaders.size(); i < n; i++) {
      Map.Entry<String, List<String>> header = fixedHeaders.get(i);
      if (headers.putIfAbsent(header.getKey(), header.getValue()) != null) {
        add(headers, header.getKey(), header.getValue().get(0));
      }
    }
    Request request =
        Request.create(
            Request.HttpMethod.POST, url.toString(), headers, body, StandardCharsets.UTF_8, null);
    try {
      return client.execute(request, options);
    } catch (IOException e) {
      throw new UncheckedIOException(target(url), e);
    }
  }

  /**
   * Names where a call went, for the message of a failure to reach it: the method and the URL
   * without its user information and query, which may carry credentials of a gateway.
   *
   * @param url the call's URL
   * @return for example {@code POST https://api.openai.com/v1/chat/completions}
   */
  static String target(URI url) {
    String host = url.getHost();
    if (host == null) {
      return "POST " + url.getScheme() + " URL";
    }
    return "POST "
        + url.getScheme()
        + "://"
        + host
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  // The options of every call carry its deadline (CallTimeouts#forCall); others, only in tests
  // that call this API directly, bound nothing.
  private static Deadline deadlineOf(Request.Options options) {
    return options instanceof DeadlineClient.CallOptions
        ? ((DeadlineClient.CallOptions) options).deadline()
        : NO_DEADLINE;
  }

  // A header named twice is sent with both values, as Feign's templates did.
  private static void add(Map<String, Collection<String>> headers, String name, String value) {
    Collection<String> values = headers.get(name);
    if (values == null) {
      headers.put(name, List.of(value));
    } else {
      List<String> more = new ArrayList<>(values.size() + 1);
      more.addAll(values);
      more.add(value);
      headers.put(name, more);
    }
  }
}
