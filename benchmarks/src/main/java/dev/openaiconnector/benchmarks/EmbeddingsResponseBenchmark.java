package dev.openaiconnector.benchmarks;

import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.EmbeddingResponse;
import dev.openaiconnector.benchmarks.ReferenceClient.EmbeddingsResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One embeddings request of 256 short texts and its answer, 256 vectors of 1536 floats, over the
 * loopback server, the library against the reference:
 *
 * <ul>
 *   <li>{@link #base64}: {@code encoding_format: base64}, a 2.1
 *       MB body; the reference decodes each vector with {@link java.util.Base64} and a
 *       little-endian {@code FloatBuffer};
 *   <li>{@link #floatJson}: the same vectors as JSON numbers,
 *       4.8 MB, as a server sends them for {@code encoding_format: float}, or when it ignores
 *       the base64 the library asks for (the library's fallback).
 * </ul>
 *
 * <p>The library's side is {@link Connector#embedAll(String, List)} (core's batching, one request
 * here, and the OpenAI provider). Both check every vector's length and four values of each. Both
 * sides run in the same JVM, one iteration each in turn ({@link Side}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EmbeddingsResponseBenchmark {
  /** The server, both clients, and the texts. */
  @State(Scope.Benchmark)
  public static class Clients {
    Fixture fixture;
    Connector floatLibrary;
    List<String> texts;

    /** Starts everything, and checks both clients send the same request. */
    @Setup(Level.Trial)
    public void start() {
      texts = EmbeddingBodies.texts(Answers.VECTORS);
      fixture = Fixture.start(Answers.all(), "/v1");
      // The library always asks for base64; this server path answers float JSON all the same.
      floatLibrary = fixture.connector("/float/v1");
      fixture.checkSameRequests(
          "embeddings", () -> viaLibrary(this, fixture.library), () -> viaReferenceBase64(this));
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void stop() {
      floatLibrary.close();
      fixture.close();
    }
  }

  /**
   * Base64: one request and its answer, by the library or the reference as {@code side} says.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @return the vectors
   */
  @Benchmark
  public Object base64(Clients clients, Side side) {
    return side.library ? viaLibrary(clients, clients.fixture.library) : viaReferenceBase64(clients);
  }

  /**
   * Float JSON: one request and its answer, by the library or the reference as {@code side} says.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @return the vectors
   */
  @Benchmark
  public Object floatJson(Clients clients, Side side) {
    return side.library
        ? viaLibrary(clients, clients.floatLibrary)
        : checked(clients.fixture.reference.embedFloat(EmbeddingBodies.MODEL, clients.texts));
  }

  private static EmbeddingResponse viaLibrary(Clients clients, Connector connector) {
    EmbeddingResponse response = connector.embedAll(EmbeddingBodies.MODEL, clients.texts);
    long tokens = (long) Answers.VECTORS * EmbeddingBodies.TOKENS_PER_INPUT;
    if (response.usage().promptTokens() != tokens || response.requestId() == null) {
      throw new IllegalStateException("unexpected answer " + response);
    }
    EmbeddingBodies.check(
        Answers.VECTORS, response.embeddings().size(), i -> response.embeddings().get(i).vector(), 0);
    return response;
  }

  private static EmbeddingsResult viaReferenceBase64(Clients clients) {
    return checked(clients.fixture.reference.embedBase64(EmbeddingBodies.MODEL, clients.texts));
  }

  private static EmbeddingsResult checked(EmbeddingsResult result) {
    long tokens = (long) Answers.VECTORS * EmbeddingBodies.TOKENS_PER_INPUT;
    if (result.promptTokens() != tokens || result.requestId() == null) {
      throw new IllegalStateException("unexpected answer: " + result.promptTokens() + " tokens");
    }
    float[][] vectors = result.vectors();
    EmbeddingBodies.check(Answers.VECTORS, vectors.length, i -> vectors[i], 0);
    return result;
  }
}
