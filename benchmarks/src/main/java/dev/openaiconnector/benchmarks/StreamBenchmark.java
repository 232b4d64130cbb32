package dev.openaiconnector.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ChatRequest;
import dev.openaiconnector.api.ChatResponse;
import dev.openaiconnector.api.ChatStream;
import dev.openaiconnector.api.Connector;
import dev.openaiconnector.benchmarks.ReferenceClient.ChatCompletionRequest;
import dev.openaiconnector.benchmarks.ReferenceClient.Message;
import dev.openaiconnector.benchmarks.ReferenceClient.StreamOptions;
import dev.openaiconnector.benchmarks.ReferenceClient.StreamResult;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A streamed chat answer of 50 events (a role chunk, 47 content chunks, a finish chunk and a usage
 * chunk, then {@code [DONE]}; 12 KB, one HTTP chunk per event), read to its end, the library
 * against the reference. The library's side is {@link Connector#stream(ChatRequest)}: every delta
 * through the iterator, then the assembled {@link ChatStream#response()}; the reference reads the
 * lines, parses each chunk with Jackson and appends the text. Both check the whole text, the finish
 * reason and the usage. Both sides run in the same JVM, one iteration each in turn ({@link Side}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StreamBenchmark {
  /** The server and both clients, and the text the stream carries. */
  @State(Scope.Benchmark)
  public static class Clients {
    Fixture fixture;
    String text;

    /** Starts everything, and checks both clients send the same request. */
    @Setup(Level.Trial)
    public void start() {
      text = expectedText();
      fixture = Fixture.start(Answers.chat(), "/stream/v1");
      Blackhole none =
          new Blackhole(
              "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
      fixture.checkSameRequests(
          "stream", () -> viaLibrary(this, none), () -> viaReference(this));
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void stop() {
      fixture.close();
    }
  }

  /**
   * One stream read to its end, by the library or the reference as {@code side} says.
   *
   * @param clients the server and clients
   * @param side the side of this iteration
   * @param blackhole takes every delta of the library's stream
   * @return the assembled answer
   */
  @Benchmark
  public Object stream(Clients clients, Side side, Blackhole blackhole) {
    return side.library ? viaLibrary(clients, blackhole) : viaReference(clients);
  }

  private static ChatResponse viaLibrary(Clients clients, Blackhole blackhole) {
    ChatResponse response;
    int deltas = 0;
    try (ChatStream stream =
        clients.fixture.library.stream(
            ChatRequest.builder().model(Answers.MODEL).user(Answers.USER).build())) {
      for (ChatDelta delta : stream) {
        blackhole.consume(delta);
        deltas++;
      }
      response = stream.response();
    }
    if (deltas < StreamParsingBenchmark.EVENTS - 3
        || !response.content().equals(clients.text)
        || !response.finishReason().value().equals("stop")
        || response.usage().totalTokens() != 66) {
      throw new IllegalStateException("unexpected stream: " + deltas + " deltas, " + response);
    }
    return response;
  }

  private static StreamResult viaReference(Clients clients) {
    StreamResult result =
        clients.fixture.reference.stream(
            new ChatCompletionRequest(
                Answers.MODEL,
                List.of(Message.of("user", Answers.USER)),
                null,
                null,
                true,
                new StreamOptions(true)));
    if (!result.content().equals(clients.text)
        || !"stop".equals(result.finishReason())
        || result.usage() == null
        || result.usage().totalTokens() != 66) {
      throw new IllegalStateException("unexpected stream: " + result);
    }
    return result;
  }

  // The text of the content chunks, decoded by Jackson once.
  private static String expectedText() {
    ObjectMapper mapper = new ObjectMapper();
    StringBuilder text = new StringBuilder();
    try {
      for (String event : StreamBodies.events()) {
        String data = event.substring("data: ".length()).trim();
        if (data.equals("[DONE]")) {
          continue;
        }
        for (var choice : mapper.readTree(data).path("choices")) {
          text.append(choice.path("delta").path("content").asText(""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
