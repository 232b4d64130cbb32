package dev.openaiconnector.openai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads server-sent events from a byte stream, one event at a time, as the bytes arrive.
 *
 * <p>Follows the parsing rules of the HTML standard's {@code text/event-stream}: lines end in
 * {@code \n}, {@code \r\n} or {@code \r}; a line starting with {@code :} is a comment (keep-alive)
 * and ignored; {@code data} lines of one event are joined with {@code \n}; one space after the
 * colon is dropped; a blank line ends the event; an event without a {@code data} line is not
 * dispatched, and neither is an unterminated event at the end of the stream. {@code id} and
 * {@code retry} are ignored: nothing here reconnects.
 *
 * <p>Built for a hot path: it reads into one reusable buffer, scans it once, copies each data
 * value once into a second reusable buffer, and allocates nothing per event (except a string for
 * an {@code event:} name, which OpenAI only sends for errors). It never reads ahead beyond what
 * the stream has already delivered: an event is returned as soon as its blank line is read.
 *
 * <p>Not thread-safe; the data of an event is valid until the next call of {@link #next()}.
 */
public final class ServerSentEventReader {
  /** The longest line accepted, so that a broken server cannot make the client buffer forever. */
  static final int MAX_LINE_LENGTH = 16 * 1024 * 1024;

  private static final int DEFAULT_BUFFER_SIZE = 8192;
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private final InputStream in;
  private final int maxLineLength;
  private byte[] buffer;
  private int position;
  private int limit;
  private boolean endOfInput;
  private boolean atStart = true;
  // The last line ended in '\r': a '\n' right after it belongs to that line ending.
  private boolean skipLineFeed;
  private int lineStart;
  private int lineEnd;

  private byte[] data = new byte[1024];
  private int dataLength;
  private boolean hasData;
  private @Nullable String eventType;

  /**
   * Creates a reader with an 8 KB buffer that grows for longer lines.
   *
   * @param in the event stream; read by this reader only, never closed by it
   */
  public ServerSentEventReader(InputStream in) {
    this(in, DEFAULT_BUFFER_SIZE, MAX_LINE_LENGTH);
  }

  ServerSentEventReader(InputStream in, int bufferSize, int maxLineLength) {
    this.in = in;
    this.buffer = new byte[bufferSize];
    this.maxLineLength = maxLineLength;
  }

  /**
   * Reads up to the end of the next event, blocking until its blank line has arrived.
   *
   * @return true with the event in {@link #data()} and {@link #eventType()}; false at the end of
   *     the stream
   * @throws IOException if reading fails, or a line or an event's data is longer than 16 MB
   *     ({@link MalformedStreamException})
   */
  public boolean next() throws IOException {
    dataLength = 0;
    hasData = false;
    eventType = null;
    while (nextLine()) {
      int start = lineStart;
      int length = lineEnd - start;
      byte[] line = buffer;
      if (length == 0) {
        if (hasData) {
          return true;
        }
        eventType = null;
      } else if (length >= 5
          && line[start] == 'd'
          && line[start + 1] == 'a'
          && line[start + 2] == 't'
          && line[start + 3] == 'a'
          && line[start + 4] == ':') {
        // The fast path: nearly every line of a chat stream is "data: {...}".
        int value = start + 5;
        if (value < lineEnd && line[value] == ' ') {
          value++;
        }
        appendData(value, lineEnd);
      } else if (line[start] != ':') {
        field(start, lineEnd);
      }
    }
    return false;
  }

  /**
   * Returns the buffer that holds the current event's data, from index 0 to {@link
   * #dataLength()}; reused by the next event.
   *
   * @return the data buffer
   */
  public byte[] data() {
    return data;
  }

  /**
   * Returns the length of the current event's data in {@link #data()}.
   *
   * @return the number of bytes
   */
  public int dataLength() {
    return dataLength;
  }

  /**
   * Returns the current event's data as text; for tests and messages, not the hot path.
   *
   * @return the data, decoded as UTF-8
   */
  public String dataAsString() {
    return new String(data, 0, dataLength, StandardCharsets.UTF_8);
  }

  /**
   * Returns the current event's {@code event:} name.
   *
   * @return the name, or null for the default ({@code message})
   */
  public @Nullable String eventType() {
    return eventType;
  }

  /**
   * Tells whether the current event is OpenAI's end marker, {@code data: [DONE]}.
   *
   * @return true for the end marker, surrounding whitespace ignored
   */
  public boolean isDone() {
    int from = 0;
    int to = dataLength;
    while (from < to && isWhitespace(data[from])) {
      from++;
    }
    while (to > from && isWhitespace(data[to - 1])) {
      to--;
    }
    return Arrays.equals(data, from, to, DONE, 0, DONE.length);
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n';
  }

  private void field(int start, int end) throws MalformedStreamException {
    int colon = start;
    while (colon < end && buffer[colon] != ':') {
      colon++;
    }
    int value = colon;
    if (value < end) {
      value++;
      if (value < end && buffer[value] == ' ') {
        value++;
      }
    }
    int nameLength = colon - start;
    if (nameLength == 4 && startsWith(start, "data")) {
      appendData(value, end);
    } else if (nameLength == 5 && startsWith(start, "event")) {
      eventType = new String(buffer, value, end - value, StandardCharsets.UTF_8);
    }
    // "id", "retry" and unknown fields are ignored, as the standard says.
  }

  private boolean startsWith(int start, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (buffer[start + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void appendData(int from, int to) throws MalformedStreamException {
    int length = to - from;
    int needed = dataLength + (hasData ? 1 : 0) + length;
    if (needed > maxLineLength) {
      throw new MalformedStreamException(
          "the data of an event is longer than " + maxLineLength + " bytes");
    }
    if (needed > data.length) {
      data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    System.arraycopy(buffer, from, data, dataLength, length);
    dataLength += length;
    hasData = true;
  }

  /**
   * Finds the next complete line in the buffer, reading more only when none is there.
   *
   * @return true with the line in {@code lineStart..lineEnd}; false at the end of the stream
   *     (an unterminated last line is dropped)
   */
  private boolean nextLine() throws IOException {
    int scanFrom = position;
    while (true) {
      if (atStart && !skipByteOrderMark()) {
        if (!fill()) {
          return false;
        }
        continue;
      }
      if (skipLineFeed && position < limit) {
        skipLineFeed = false;
        if (buffer[position] == '\n') {
          position++;
        }
      }
      byte[] bytes = buffer;
      int end = limit;
      for (int i = Math.max(scanFrom, position); i < end; i++) {
        byte b = bytes[i];
        if (b == '\n' || b == '\r') {
          lineStart = position;
          lineEnd = i;
          position = i + 1;
          if (b == '\r') {
            if (position < end) {
              if (bytes[position] == '\n') {
                position++;
              }
            } else {
              // Decided when the next byte arrives: waiting for it now would delay the event.
              skipLineFeed = true;
            }
          }
          return true;
        }
      }
      int scanned = end - position;
      if (!fill()) {
        return false;
      }
      // fill() moved the unconsumed bytes to the front: skip the part already scanned.
      scanFrom = position + scanned;
    }
  }

  /** Drops a UTF-8 byte order mark at the start of the stream, once three bytes are known. */
  private boolean skipByteOrderMark() {
    if (limit - position < 3) {
      return false;
    }
    atStart = false;
    if (buffer[position] == (byte) 0xEF
        && buffer[position + 1] == (byte) 0xBB
        && buffer[position + 2] == (byte) 0xBF) {
      position += 3;
    }
    return true;
  }

  /**
   * Reads more bytes after those not yet consumed, compacting or growing the buffer first.
   *
   * @return false at the end of the stream
   */
  private boolean fill() throws IOException {
    if (endOfInput) {
      return false;
    }
    if (position > 0) {
      int remaining = limit - position;
      System.arraycopy(buffer, position, buffer, 0, remaining);
      position = 0;
      limit = remaining;
    }
    if (limit == buffer.length) {
      if (buffer.length >= maxLineLength) {
        throw new MalformedStreamException(
            "a line of the event stream is longer than " + maxLineLength + " bytes");
      }
      buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxLineLength));
    }
    int read = in.read(buffer, limit, buffer.length - limit);
    if (read < 0) {
      // An unterminated last line, or event, is dropped, as the standard says.
      endOfInput = true;
      return false;
    }
    limit += read;
    return true;
  }

  /** The stream breaks the event-stream format in a way that reading on cannot repair. */
  public static final class MalformedStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedStreamException(String message) {
      super(message);
    }
  }
}
