package dev.openaiconnector.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A tiny HTTP/1.1 server on the loopback interface that answers every request with bytes built
 * before the run: the library and its reference client talk to the same server, in the same way.
 *
 * <p>Why not the JDK's {@code HttpServer}: it costs tens of microseconds and a few kilobytes of
 * garbage per request (header maps, its own streams, an executor hand-off), which would be added
 * to both sides of every ratio and so hide what the clients cost. Here a connection is one
 * blocking thread that reads the request into a reused buffer and writes one prepared array: two
 * system calls and almost no allocation per request. Keep-alive, {@code Content-Length} and
 * chunked request bodies, {@code TCP_NODELAY} (as real API servers set it; without it a response
 * can wait 40 ms for a delayed ACK). It ignores an {@code Upgrade} request, as a server without h2c
 * does.
 *
 * <p>The answer is chosen by a {@link Route} from the path and the request body. Everything is
 * started and stopped by the benchmark's own setup and tear-down.
 */
final class LoopbackServer implements AutoCloseable {
  /** How the server's threads' names begin, so that their CPU time can be told apart. */
  static final String THREAD_PREFIX = "loopback-";

  /** Chooses the prepared response to a request. */
  @FunctionalInterface
  interface Route {
    /**
     * Returns the whole response: status line, headers and body.
     *
     * @param path the request's path, query included
     * @param body the buffer holding the request body
     * @param length the body's length, from offset 0
     * @return the bytes to write; built before the run, not per request
     */
    byte[] answer(String path, byte[] body, int length);
  }

  private static final byte[] NOT_FOUND =
      response(404, "application/json", "{\"error\":{\"message\":\"no route\"}}".getBytes(StandardCharsets.UTF_8));

  private final ServerSocket socket;
  private final Route route;
  private final Thread acceptor;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  // The request bodies kept while capturing; never while measuring.
  private final List<byte[]> captured = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean capture;
  private volatile boolean closed;

  private LoopbackServer(ServerSocket socket, Route route) {
    this.socket = socket;
    this.route = route;
    this.acceptor = new Thread(this::accept, THREAD_PREFIX + "accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts a server on a free port of {@code 127.0.0.1}.
   *
   * @param route chooses the answers
   * @return the running server
   */
  static LoopbackServer start(Route route) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      LoopbackServer server = new LoopbackServer(socket, route);
      server.acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("the loopback server could not start", e);
    }
  }

  /**
   * Returns the server's root URL, {@code http://127.0.0.1:<port>}.
   *
   * @return the URL, without a trailing slash
   */
  URI root() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /**
   * Returns the requests answered so far.
   *
   * @return the count
   */
  long requests() {
    return requests.get();
  }

  /**
   * Returns the connections accepted so far, and how many are open now.
   *
   * @return for example {@code 8 accepted, 8 open}
   */
  String connections() {
    return accepted.get() + " accepted, " + connections.size() + " open";
  }

  /**
   * Keeps a copy of every request body from now on, for checking that two clients send the same
   * requests. Never on while measuring.
   */
  void startCapture() {
    captured.clear();
    capture = true;
  }

  /**
   * Stops keeping request bodies.
   *
   * @return the bodies kept since {@link #startCapture()}, in order
   */
  List<byte[]> stopCapture() {
    capture = false;
    List<byte[]> bodies = List.copyOf(captured);
    captured.clear();
    return bodies;
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing only stops the acceptor.
    }
    for (Socket connection : connections) {
      try {
        connection.close();
      } catch (IOException ignored) {
        // Its thread ends on the failed read.
      }
    }
  }

  private void accept() {
    while (!closed) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.add(connection);
      accepted.incrementAndGet();
      Thread thread = new Thread(() -> serve(connection), THREAD_PREFIX + "conn");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      connection.setTcpNoDelay(true);
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      Reader reader = new Reader(in);
      while (!closed) {
        String path = reader.nextRequest();
        if (path == null) {
          return; // the client closed the connection
        }
        byte[] response = route.answer(path, reader.body, reader.bodyLength);
        if (capture) {
          captured.add(Arrays.copyOf(reader.body, reader.bodyLength));
        }
        requests.incrementAndGet();
        out.write(response);
        out.flush();
      }
    } catch (SocketException closedWhileReading) {
      // The server or the client closed the connection.
    } catch (IOException e) {
      if (!closed) {
        System.err.println("loopback server: " + e);
      }
    } finally {
      connections.remove(connection);
    }
  }

  /**
   * Builds a complete response with a {@code Content-Length}, and the headers OpenAI sends with
   * every answer (request id, rate limits), so both clients see a realistic header block.
   *
   * @param status the status code
   * @param contentType the body's type
   * @param body the body
   * @return status line, headers and body
   */
  static byte[] response(int status, String contentType, byte[] body) {
    String head =
        "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\n"
            + commonHeaders(contentType)
            + "Content-Length: " + body.length + "\r\n"
            + "\r\n";
    return concat(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  /**
   * Builds a chunked response whose body is the given events, one HTTP chunk each, as OpenAI
   * streams them.
   *
   * @param contentType the body's type
   * @param events the server-sent events, each ending with its blank line
   * @return status line, headers and chunked body
   */
  static byte[] chunkedResponse(String contentType, byte[][] events) {
    StringBuilder head =
        new StringBuilder("HTTP/1.1 200 OK\r\n")
            .append(commonHeaders(contentType))
            .append("Transfer-Encoding: chunked\r\n\r\n");
    byte[] all = head.toString().getBytes(StandardCharsets.US_ASCII);
    for (byte[] event : events) {
      all = concat(all, (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      all = concat(all, event);
      all = concat(all, "\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return concat(all, "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  static String commonHeaders(String contentType) {
    return "Date: Tue, 26 Nov 2024 08:00:00 GMT\r\n"
        + "Content-Type: " + contentType + "\r\n"
        + "Connection: keep-alive\r\n"
        + "openai-organization: user-benchmark\r\n"
        + "openai-processing-ms: 312\r\n"
        + "openai-version: 2020-10-01\r\n"
        + "x-ratelimit-limit-requests: 10000\r\n"
        + "x-ratelimit-limit-tokens: 200000\r\n"
        + "x-ratelimit-remaining-requests: 9999\r\n"
        + "x-ratelimit-remaining-tokens: 199980\r\n"
        + "x-ratelimit-reset-requests: 8.64s\r\n"
        + "x-ratelimit-reset-tokens: 6ms\r\n"
        + "x-request-id: req_0123456789abcdef0123456789abcdef\r\n"
        + "strict-transport-security: max-age=31536000; includeSubDomains; preload\r\n";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /**
   * Finds bytes in a body.
   *
   * @param body the buffer
   * @param length the body's length
   * @param what the bytes to find
   * @return whether they occur
   */
  static boolean contains(byte[] body, int length, byte[] what) {
    byte first = what[0];
    int last = length - what.length;
    for (int i = 0; i <= last; i++) {
      if (body[i] != first) {
        continue;
      }
      int j = 1;
      while (j < what.length && body[i + j] == what[j]) {
        j++;
      }
      if (j == what.length) {
        return true;
      }
    }
    return false;
  }

  /** Reads requests from one connection into reused buffers. */
  private static final class Reader {
    private final InputStream in;
    // Bytes read from the socket and not yet used: buffer[start, end).
    private byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;
    byte[] body = new byte[16 * 1024];
    int bodyLength;

    Reader(InputStream in) {
      this.in = in;
    }

    /** Reads the next request's head and body; returns its path, or null at the end. */
    @Nullable String nextRequest() throws IOException {
      int headEnd;
      while ((headEnd = find(start, end)) < 0) {
        if (!fill()) {
          if (end > start) {
            throw new IOException("the connection closed in the middle of a request head");
          }
          return null;
        }
      }
      String path = null;
      long contentLength = 0;
      boolean chunked = false;
      int line = start;
      while (line < headEnd) {
        int lineEnd = lineEnd(line, headEnd + 2);
        if (path == null) {
          int space = indexOf(line, lineEnd, (byte) ' ');
          int second = indexOf(space + 1, lineEnd, (byte) ' ');
          path = new String(buffer, space + 1, second - space - 1, StandardCharsets.US_ASCII);
        } else if (startsWithIgnoreCase(line, lineEnd, "content-length:")) {
          contentLength = Long.parseLong(text(line + 15, lineEnd).trim());
        } else if (startsWithIgnoreCase(line, lineEnd, "transfer-encoding:")) {
          chunked = text(line + 18, lineEnd).trim().equalsIgnoreCase("chunked");
        }
        line = lineEnd + 2;
      }
      start = headEnd + 4;
      bodyLength = 0;
      if (chunked) {
        readChunkedBody();
      } else {
        readBody((int) contentLength);
      }
      return path;
    }

    private void readBody(int length) throws IOException {
      ensureBody(length);
      while (bodyLength < length) {
        if (start == end && !fill()) {
          throw new IOException("the connection closed in the middle of a request body");
        }
        int n = Math.min(length - bodyLength, end - start);
        System.arraycopy(buffer, start, body, bodyLength, n);
        bodyLength += n;
        start += n;
      }
    }

    private void readChunkedBody() throws IOException {
      while (true) {
        int lineEnd;
        while ((lineEnd = lineEnd(start, end)) < 0) {
          if (!fill()) {
            throw new IOException("the connection closed in a chunk header");
          }
        }
        String size = text(start, lineEnd);
        int semicolon = size.indexOf(';');
        int chunk = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        start = lineEnd + 2;
        if (chunk == 0) {
          // The trailer section ends with an empty line; we send none, so expect just that.
          while (end - start < 2) {
            if (!fill()) {
              throw new IOException("the connection closed after the last chunk");
            }
          }
          start += 2;
          return;
        }
        int before = bodyLength;
        ensureBody(before + chunk);
        while (bodyLength < before + chunk) {
          if (start == end && !fill()) {
            throw new IOException("the connection closed in a chunk");
          }
          int n = Math.min(before + chunk - bodyLength, end - start);
          System.arraycopy(buffer, start, body, bodyLength, n);
          bodyLength += n;
          start += n;
        }
        while (end - start < 2) {
          if (!fill()) {
            throw new IOException("the connection closed after a chunk");
          }
        }
        start += 2;
      }
    }

    private void ensureBody(int length) {
      if (body.length < length) {
        body = Arrays.copyOf(body, Math.max(length, body.length * 2));
      }
    }

    // Reads more bytes from the socket; false at its end.
    private boolean fill() throws IOException {
      if (start == end) {
        start = 0;
        end = 0;
      } else if (end == buffer.length) {
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, end - start);
          end -= start;
          start = 0;
        } else {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        return false;
      }
      end += n;
      return true;
    }

    // The index of the CRLFCRLF ending the head, or -1.
    private int find(int from, int to) {
      for (int i = from; i + 3 < to; i++) {
        if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private int lineEnd(int from, int to) {
      for (int i = from; i + 1 < to; i++) {
        if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private int indexOf(int from, int to, byte b) {
      for (int i = from; i < to; i++) {
        if (buffer[i] == b) {
          return i;
        }
      }
      throw new IllegalStateException("malformed request line");
    }

    private boolean startsWithIgnoreCase(int from, int to, String prefix) {
      if (to - from < prefix.length()) {
        return false;
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (Character.toLowerCase((char) buffer[from + i]) != prefix.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private String text(int from, int to) {
      return new String(buffer, from, to - from, StandardCharsets.US_ASCII);
    }
  }
}
