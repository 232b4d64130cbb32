package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.core.Connectors;
import dev.openaiconnector.openai.OpenAiProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * One fork's loopback server, the library's connector and the reference client, all pointed at the
 * same server; started by a benchmark's setup, closed by its tear-down.
 */
final class Fixture implements AutoCloseable {
  private static final ObjectMapper TREES = new ObjectMapper();

  final Answers answers;
  final LoopbackServer server;
  final Connector library;
  final ReferenceClient reference;

  private Fixture(Answers answers, String basePath) {
    this.answers = answers;
    this.server = answers.serve();
    this.library = connector(basePath);
    this.reference = new ReferenceClient(server.root(), basePath);
  }

  /**
   * Starts the server and both clients.
   *
   * @param answers what the server answers
   * @param basePath the base path of both clients, which chooses the answer: {@code /chat/v1},
   *     {@code /stream/v1}, {@code /tools/v1} or {@code /v1} (see {@link Answers})
   * @return the fixture
   */
  static Fixture start(Answers answers, String basePath) {
    return new Fixture(answers, basePath);
  }

  /**
   * A connector on the OpenAI provider with its defaults, to a base path of the server.
   *
   * @param basePath for example {@code /v1}
   * @return a new connector, to be closed by the caller (or by {@link #close()} for {@link
   *     #library})
   */
  Connector connector(String basePath) {
    return Connectors.builder()
        .provider(
            OpenAiProvider.builder()
                .apiKey("sk-benchmark")
                .baseUrl(server.root() + basePath)
                .build())
        .build();
  }

  /**
   * Makes one call with each client and checks that the server got the same request bodies (as
   * JSON, so that field order does not matter): a ratio between different requests would mean
   * nothing.
   *
   * @param what names the benchmark in the message
   * @param library one call through the library
   * @param reference the same call through the reference
   */
  void checkSameRequests(String what, Supplier<?> library, Supplier<?> reference) {
    server.startCapture();
    library.get();
    List<byte[]> fromLibrary = server.stopCapture();
    server.startCapture();
    reference.get();
    List<byte[]> fromReference = server.stopCapture();
    if (fromLibrary.size() != fromReference.size()) {
      throw new IllegalStateException(
          what + ": the library sent " + fromLibrary.size() + " requests, the reference "
              + fromReference.size());
    }
    for (int i = 0; i < fromLibrary.size(); i++) {
      JsonNode a = tree(fromLibrary.get(i));
      JsonNode b = tree(fromReference.get(i));
      if (!a.equals(b)) {
        throw new IllegalStateException(
            what + ": request " + (i + 1) + " differs.\n  library:   "
                + new String(fromLibrary.get(i), StandardCharsets.UTF_8)
                + "\n  reference: "
                + new String(fromReference.get(i), StandardCharsets.UTF_8));
      }
    }
  }

  private static JsonNode tree(byte[] json) {
    try {
      return TREES.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    library.close();
    server.close();
  }
}
