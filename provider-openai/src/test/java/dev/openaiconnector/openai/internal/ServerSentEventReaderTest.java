package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The byte-level event-stream parsing, with the bytes arriving in pieces of every size. */
class ServerSentEventReaderTest {

  /** Piece sizes: one byte at a time splits every line ending, CRLF included. */
  static Stream<Integer> pieceSizes() {
    return Stream.of(1, 2, 3, 5, 7, 64, 100_000);
  }

  /** An event as read: its type and its data. */
  private record Event(String type, String data) {}

  private static List<Event> read(String stream, int pieceSize) throws IOException {
    return read(stream.getBytes(StandardCharsets.UTF_8), pieceSize, 16);
  }

  private static List<Event> read(byte[] stream, int pieceSize, int bufferSize)
      throws IOException {
    ServerSentEventReader reader =
        new ServerSentEventReader(
            new PiecewiseInputStream(stream, pieceSize),
            bufferSize,
            ServerSentEventReader.MAX_LINE_LENGTH);
    List<Event> events = new ArrayList<>();
    while (reader.next()) {
      String type = reader.eventType();
      events.add(new Event(type == null ? "message" : type, reader.dataAsString()));
    }
    return events;
  }

  private static Event data(String data) {
    return new Event("message", data);
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void splitsLinesOnLfCrLfAndCr(int pieceSize) throws IOException {
    String stream = "data: one\n\ndata: two\r\n\r\ndata: three\r\rdata: four\n\r\ndata: five\r\n\n";

    assertThat(read(stream, pieceSize))
        .containsExactly(data("one"), data("two"), data("three"), data("four"), data("five"));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void ignoresCommentsAndKeepAlives(int pieceSize) throws IOException {
    String stream = ": keep-alive\n\n:\ndata: a\n: in the middle\ndata: b\n\n: ping\r\n\r\n";

    assertThat(read(stream, pieceSize)).containsExactly(data("a\nb"));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void dropsOneSpaceAfterTheColonOnly(int pieceSize) throws IOException {
    String stream = "data:tight\n\ndata:  two spaces\n\ndata\n\ndata:\n\n";

    assertThat(read(stream, pieceSize))
        .containsExactly(data("tight"), data(" two spaces"), data(""), data(""));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void joinsTheDataLinesOfOneEventWithLineFeeds(int pieceSize) throws IOException {
    String stream = "data: {\"a\":\r\ndata: 1}\r\n\r\ndata: x\ndata:\ndata: y\n\n";

    assertThat(read(stream, pieceSize)).containsExactly(data("{\"a\":\n1}"), data("x\n\ny"));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void readsEventNamesAndForgetsThemAfterEachEvent(int pieceSize) throws IOException {
    String stream =
        "event: error\ndata: {\"error\":{}}\n\nevent:ping\n\ndata: plain\n\n"
            + "id: 7\nretry: 1000\nunknown: field\ndata: after fields\n\n";

    assertThat(read(stream, pieceSize))
        .containsExactly(
            new Event("error", "{\"error\":{}}"), data("plain"), data("after fields"));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void dropsAnEventThatTheStreamEndsInside(int pieceSize) throws IOException {
    assertThat(read("data: whole\n\ndata: cut", pieceSize)).containsExactly(data("whole"));
    assertThat(read("data: whole\n\ndata: cut\n", pieceSize)).containsExactly(data("whole"));
    assertThat(read("", pieceSize)).isEmpty();
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void skipsAByteOrderMarkAtTheStart(int pieceSize) throws IOException {
    assertThat(read("\uFEFFdata: x\n\n", pieceSize)).containsExactly(data("x"));
  }

  @ParameterizedTest(name = "pieces of {0}")
  @MethodSource("pieceSizes")
  void growsItsBufferForLinesLongerThanIt(int pieceSize) throws IOException {
    String longValue = "x".repeat(10_000);
    String stream = "data: short\n\ndata: " + longValue + "\n\ndata: after\n\n";

    assertThat(read(stream.getBytes(StandardCharsets.UTF_8), pieceSize, 8))
        .containsExactly(data("short"), data(longValue), data("after"));
  }

  @Test
  void keepsMultiByteCharactersWhole() throws IOException {
    String stream = "data: {\"content\":\"Grüße, 世界 🌍\"}\n\n";

    assertThat(read(stream, 1)).containsExactly(data("{\"content\":\"Grüße, 世界 🌍\"}"));
  }

  @Test
  void recognisesTheEndMarker() throws IOException {
    ServerSentEventReader reader =
        new ServerSentEventReader(
            new ByteArrayInputStream(
                "data: [DONE]\n\ndata:[DONE] \n\ndata: [DONE]x\n\n"
                    .getBytes(StandardCharsets.US_ASCII)));

    assertThat(reader.next()).isTrue();
    assertThat(reader.isDone()).isTrue();
    assertThat(reader.next()).isTrue();
    assertThat(reader.isDone()).isTrue();
    assertThat(reader.next()).isTrue();
    assertThat(reader.isDone()).isFalse();
    assertThat(reader.next()).isFalse();
  }

  @Test
  void handsOnAnEventWithoutWaitingForMoreBytes() throws IOException {
    // The stream fails the test if the reader asks for more than the pieces already sent: an
    // event must be complete at its blank line, even when that ends in a lone '\r'.
    for (String first : List.of("data: a\n\n", "data: a\r\n\r\n", "data: a\r\r")) {
      ScriptedInputStream in = new ScriptedInputStream(first, "data: b\n\n");
      ServerSentEventReader reader = new ServerSentEventReader(in);

      assertThat(reader.next()).isTrue();
      assertThat(reader.dataAsString()).isEqualTo("a");
      assertThat(in.reads()).as("reads for %s", first.replace("\r", "\\r")).isEqualTo(1);
      assertThat(reader.next()).isTrue();
      assertThat(reader.dataAsString()).isEqualTo("b");
    }
  }

  @Test
  void rejectsALineLongerThanTheLimit() {
    byte[] stream = ("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.US_ASCII);
    ServerSentEventReader reader =
        new ServerSentEventReader(new ByteArrayInputStream(stream), 8, 64);

    assertThatThrownBy(reader::next)
        .isInstanceOf(ServerSentEventReader.MalformedStreamException.class)
        .hasMessageContaining("longer than 64 bytes");
  }

  @Test
  void rejectsEventDataLongerThanTheLimit() {
    String lines =
        String.join("", IntStream.range(0, 20).mapToObj(i -> "data: 0123456789\n").toList());
    ServerSentEventReader reader =
        new ServerSentEventReader(
            new ByteArrayInputStream(lines.getBytes(StandardCharsets.US_ASCII)), 64, 64);

    assertThatThrownBy(reader::next)
        .isInstanceOf(ServerSentEventReader.MalformedStreamException.class)
        .hasMessageContaining("data of an event");
  }

  /** Returns at most {@code pieceSize} bytes per read. */
  private static final class PiecewiseInputStream extends InputStream {
    private final byte[] bytes;
    private final int pieceSize;
    private int position;

    PiecewiseInputStream(byte[] bytes, int pieceSize) {
      this.bytes = bytes;
      this.pieceSize = pieceSize;
    }

    @Override
    public int read() {
      return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(length, pieceSize), bytes.length - position);
      System.arraycopy(bytes, position, buffer, offset, n);
      position += n;
      return n;
    }
  }

  /** Returns one scripted piece per read and counts the reads. */
  private static final class ScriptedInputStream extends InputStream {
    private final Deque<byte[]> pieces = new ArrayDeque<>();
    private int reads;

    ScriptedInputStream(String... pieces) {
      for (String piece : pieces) {
        this.pieces.add(piece.getBytes(StandardCharsets.US_ASCII));
      }
    }

    int reads() {
      return reads;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException("the reader reads in blocks");
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      reads++;
      byte[] piece = pieces.poll();
      if (piece == null) {
        return -1;
      }
      assertThat(piece.length).isLessThanOrEqualTo(length);
      System.arraycopy(piece, 0, buffer, offset, piece.length);
      return piece.length;
    }
  }
}
