package dev.openaiconnector.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An HTTP/1.1 client for the fake server's tests; one instance reuses its connections. */
final class TestClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FakeOpenAiServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

  TestClient(FakeOpenAiServer server) {
    this.server = server;
  }

  HttpResponse<String> chat(String body) {
    return send("POST", "/v1/chat/completions", body, "sk-test");
  }

  HttpResponse<String> chatWithTimeout(String body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest request =
        request(server, "POST", "/v1/chat/completions", body, "sk-test").timeout(timeout).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, @Nullable String apiKey) {
    return send("GET", path, "", apiKey);
  }

  HttpResponse<String> send(String method, String path, String body, @Nullable String apiKey) {
    try {
      return http.send(
          request(server, method, path, body, apiKey).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request with exactly these headers (name, value, name, value...), no key added. */
  HttpResponse<String> sendWithHeaders(String method, String path, String body, String... headers) {
    HttpRequest.Builder builder = request(server, method, path, body, null);
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder request(
      FakeOpenAiServer server, String method, String path, String body, @Nullable String apiKey) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      builder.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    return builder;
  }

  /** The {@code data:} payloads of a server-sent event stream, in order. */
  static List<String> events(String stream) {
    List<String> events = new ArrayList<>();
    for (String event : stream.split("\n\n")) {
      if (event.startsWith("data: ")) {
        events.add(event.substring("data: ".length()));
      }
    }
    return events;
  }
}
