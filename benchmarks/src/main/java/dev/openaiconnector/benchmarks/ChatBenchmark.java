package dev.openaiconnector.benchmarks;

import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatCompletionRequest;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatResult;
import dev.openaiconnector.benchmarks.ReferenceClient.Message;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A plain chat call, the library against the reference, over the same loopback server: a system and
 * a user message and a token limit out, a 900-byte answer back (content, finish reason, usage,
 * request id).
 *
 * <ul>
 *   <li>{@link #call}: one thread, time per call (run with {@code -prof gc} for the allocation per
 *       call);
 *   <li>{@link #callThreads8}: 8 threads on one shared client, calls per second.
 * </ul>
 *
 * <p>Both sides run in the same JVM, one iteration each in turn ({@link Side}).
 *
 * <p>The library's call is {@link Connector#chat(ChatRequest)} with the OpenAI provider and every
 * default: validation, retries, circuit breaker, bulkhead, usage tracking, the body deadline. Each
 * call builds its request, as an application does; so does the reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ChatBenchmark {
  /** The server and both clients. */
  @State(Scope.Benchmark)
  public static class Clients {
    Fixture fixture;
    // Calls made, to compare with the requests the server answered: more requests than calls
    // means that a side retried, which the scores would hide.
    final LongAdder calls = new LongAdder();

    /** Starts everything, and checks both clients send the same request. */
    @Setup(Level.Trial)
    public void start() {
      fixture = Fixture.start(Answers.chat(), "/chat/v1");
      fixture.checkSameRequests("chat", () -> library(fixture), () -> reference(fixture.reference));
    }

    /** Stops everything, and says whether a side retried. */
    @TearDown(Level.Trial)
    public void stop() {
      long requests = fixture.server.requests() - 2; // the two of checkSameRequests
      if (requests != calls.sum()) {
        System.out.println(
            "NOTE: "
                + calls.sum()
                + " calls made, "
                + requests
                + " requests answered (retries); connections: "
                + fixture.server.connections());
      }
      fixture.close();
    }
  }

  /**
   * One call on one thread, by the library or the reference as {@code side} says.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @return the answer
   */
  @Benchmark
  public Object call(Clients clients, Side side) {
    clients.calls.increment();
    return side.library ? library(clients.fixture) : reference(clients.fixture.reference);
  }

  /**
   * The same call from 8 threads on one shared client.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @return the answer
   */
  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object callThreads8(Clients clients, Side side) {
    clients.calls.increment();
    return side.library ? library(clients.fixture) : reference(clients.fixture.reference);
  }

  static ChatResponse library(Fixture fixture) {
    ChatResponse response =
        fixture.library.chat(
            ChatRequest.builder()
                .model(Answers.MODEL)
                .system(Answers.SYSTEM)
                .user(Answers.USER)
                .maxTokens(200)
                .build());
    if (!response.content().equals(Answers.CHAT_CONTENT)
        || !FinishReason.STOP.equals(response.finishReason())
        || response.usage().totalTokens() != Answers.CHAT_TOKENS[2]
        || response.requestId().isEmpty()) {
      throw new IllegalStateException("unexpected answer " + response);
    }
    return response;
  }

  static ChatResult reference(ReferenceClient reference) {
    ChatResult result =
        reference.chat(
            new ChatCompletionRequest(
                Answers.MODEL,
                List.of(Message.of("system", Answers.SYSTEM), Message.of("user", Answers.USER)),
                200,
                null,
                null,
                null));
    if (!Answers.CHAT_CONTENT.equals(result.message().content())
        || !"stop".equals(result.finishReason())
        || result.usage().totalTokens() != Answers.CHAT_TOKENS[2]
        || result.requestId() == null) {
      throw new IllegalStateException("unexpected answer " + result);
    }
    return result;
  }
}
