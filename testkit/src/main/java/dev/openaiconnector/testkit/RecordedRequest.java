package dev.openaiconnector.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One HTTP request as {@link FakeOpenAiServer} received it.
 *
 * @param method the HTTP method, such as {@code POST}
 * @param path the request target as sent: path and query, such as {@code
 *     /v1/chat/completions?api-version=1}
 * @param headers the request headers; lookups on this map ignore the name's case
 * @param body the body decoded as UTF-8; empty when there was none
 */
public record RecordedRequest(
    String method, String path, Map<String, List<String>> headers, String body) {

  /** Validates and copies the headers into an immutable map with case-insensitive names. */
  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, values) -> copy.merge(name, List.copyOf(values), RecordedRequest::concat));
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, in any case
   * @return the value, or empty if the header was not sent
   */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name");
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Returns the first value of a query parameter, decoded, such as {@code api-version}.
   *
   * @param name the parameter name, exactly as sent
   * @return the value (empty for {@code ?name} or {@code ?name=}), or empty if not sent
   */
  public Optional<String> queryParameter(String name) {
    Objects.requireNonNull(name, "name");
    int start = path.indexOf('?');
    if (start < 0) {
      return Optional.empty();
    }
    for (String pair : path.substring(start + 1).split("&")) {
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      if (key.equals(name)) {
        return Optional.of(equals < 0 ? "" : decode(pair.substring(equals + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      // A broken escape is the client's bug; showing it as sent lets the test see it.
      return text;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  /** Shows the method, path and body size; header values are left out as they may hold keys. */
  @Override
  public String toString() {
    return "RecordedRequest[" + method + " " + path + ", " + body.length() + " chars]";
  }
}
