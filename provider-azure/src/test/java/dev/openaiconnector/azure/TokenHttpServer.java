package dev.openaiconnector.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small JDK HTTP server on the loopback for the token endpoints mock-oauth2-server does not
 * play: the managed identity endpoints, and token servers that refuse. Answers are scripted in
 * order; the last one repeats. Every request is recorded.
 */
final class TokenHttpServer implements AutoCloseable {
  record Answer(int status, String body, Map<String, String> headers) {}

  record Recorded(String method, URI uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final Queue<Function<Recorded, Answer>> script = new ConcurrentLinkedQueue<>();
  private volatile Function<Recorded, Answer> last =
      request -> new Answer(500, "{\"error\":\"unscripted\"}", Map.of());
  final List<Recorded> requests = new CopyOnWriteArrayList<>();

  TokenHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  TokenHttpServer answer(int status, String body) {
    return answer(request -> new Answer(status, body, Map.of()));
  }

  TokenHttpServer answer(Function<Recorded, Answer> answer) {
    script.add(answer);
    return this;
  }

  static String token(String value, long expiresIn) {
    return "{\"token_type\":\"Bearer\",\"expires_in\":"
        + expiresIn
        + ",\"access_token\":\""
        + value
        + "\"}";
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Recorded recorded =
        new Recorded(
            exchange.getRequestMethod(),
            exchange.getRequestURI(),
            Map.copyOf(exchange.getRequestHeaders()),
            body);
    requests.add(recorded);
    Function<Recorded, Answer> next = script.poll();
    if (next != null) {
      last = next;
    } else {
      next = last;
    }
    Answer answer = next.apply(recorded);
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
