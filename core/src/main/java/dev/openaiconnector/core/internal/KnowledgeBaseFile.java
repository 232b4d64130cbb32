package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.KnowledgeChunk;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a {@link DenseVectorStore} to a file and reads it back.
 *
 * <p>The format, version 1, big-endian as {@link DataOutputStream} writes it:
 *
 * <pre>
 * int    magic 0x4F414B42 ("OAKB")
 * int    version (1)
 * int    dimensions
 * int    chunks
 * chunks times:
 *   string id, string text
 *   int    metadata pairs, then that many (string key, string value), keys sorted
 *   float  x dimensions: the unit vector
 * long   CRC-32 of every byte before it
 * string = int length in bytes, then the UTF-8 bytes (no 64 KB limit, unlike writeUTF)
 * </pre>
 *
 * <p>A save writes a temporary file in the target's directory, forces it to the disk and renames
 * it over the target in one atomic step, so the target always holds a complete save: the old one
 * or the new one. The temporary file is made readable by its owner only; when it replaces a file,
 * it takes that file's POSIX permissions first (where the file system has them), so that a save
 * does not take away what others could read. Strings are read back strictly: bytes that are not
 * UTF-8, or a character no knowledge base chunk may hold, make the file corrupt. Errors name the
 * file.
 */
public final class KnowledgeBaseFile {
  /** "OAKB": what every knowledge base file starts with. */
  static final int MAGIC = 0x4F414B42;

  /** The version this class writes and reads. */
  static final int VERSION = 1;

  private static final int BUFFER = 1 << 16;

  private KnowledgeBaseFile() {}

  /**
   * Saves a store to a file, atomically replacing it; creates missing parent directories.
   *
   * @param store the store; the caller keeps writers out meanwhile
   * @param file the file
   * @throws UncheckedIOException if the file cannot be written; the old content is then untouched
   */
  public static void write(DenseVectorStore store, Path file) {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, target.getFileName() + ".", ".tmp");
      keepPermissions(target, temporary);
      try (FileOutputStream stream = new FileOutputStream(temporary.toFile())) {
        CheckedOutputStream checked =
            new CheckedOutputStream(new BufferedOutputStream(stream, BUFFER), new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        writeBody(store, out);
        out.flush();
        out.writeLong(checked.getChecksum().getValue());
        out.flush();
        // On the disk before the rename, or a crash could leave the new name on missing data.
        stream.getFD().sync();
      }
      move(temporary, target);
      temporary = null;
      syncDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot save the knowledge base to " + target + ": " + describe(e), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // The save failed already; a leftover temporary file is named after the target.
        }
      }
    }
  }

  /**
   * Reads a store from a file.
   *
   * @param file the file
   * @return the store
   * @throws UncheckedIOException naming the file, if it is missing, unreadable, not a knowledge
   *     base file, of a later format version, truncated or corrupt
   */
  public static DenseVectorStore read(Path file) {
    Path source = file.toAbsolutePath();
    try {
      long fileSize = Files.size(source);
      try (InputStream stream = Files.newInputStream(source)) {
        CheckedInputStream checked =
            new CheckedInputStream(new BufferedInputStream(stream, BUFFER), new CRC32());
        Counting counted = new Counting(checked, fileSize);
        return readBody(new DataInputStream(counted), checked, counted);
      }
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          "Cannot load the knowledge base from " + source + ": the file does not exist", e);
    } catch (EOFException e) {
      throw new UncheckedIOException(
          "Cannot load the knowledge base from "
              + source
              + ": the file ends early; it is truncated or corrupt",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot load the knowledge base from " + source + ": " + describe(e), e);
    }
  }

  private static void writeBody(DenseVectorStore store, DataOutputStream out) throws IOException {
    int dimensions = store.dimensions();
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(dimensions);
    out.writeInt(store.size());
    ByteBuffer bytes = ByteBuffer.allocate(dimensions * Float.BYTES);
    FloatBuffer floats = bytes.asFloatBuffer();
    for (int slot = 0; slot < store.size(); slot++) {
      writeString(out, store.id(slot));
      writeString(out, store.text(slot));
      Map<String, String> metadata = new TreeMap<>(store.metadata(slot));
      out.writeInt(metadata.size());
      for (Map.Entry<String, String> pair : metadata.entrySet()) {
        writeString(out, pair.getKey());
        writeString(out, pair.getValue());
      }
      floats.clear();
      store.vector(slot, floats);
      out.write(bytes.array());
    }
  }

  private static DenseVectorStore readBody(
      DataInputStream in, CheckedInputStream checked, Counting counted) throws IOException {
    byte[] magic = in.readNBytes(Integer.BYTES);
    if (magic.length < Integer.BYTES || ByteBuffer.wrap(magic).getInt() != MAGIC) {
      throw new StreamCorruptedException(
          "it is not a knowledge base file (it does not start with \"OAKB\")");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new StreamCorruptedException(
          "it has format version "
              + version
              + " and this library reads version "
              + VERSION
              + (version > VERSION ? "; it was saved by a later version of the library" : ""));
    }
    int dimensions = in.readInt();
    int chunks = in.readInt();
    if (dimensions < 1 || chunks < 0) {
      throw corrupt("it declares " + dimensions + " dimensions and " + chunks + " chunks");
    }
    long vectorBytes = (long) dimensions * Float.BYTES;
    if (chunks * vectorBytes > counted.remaining()) {
      throw new EOFException();
    }
    DenseVectorStore store = new DenseVectorStore(dimensions);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (chunks > store.maxSize()) {
      throw corrupt("it declares " + chunks + " chunks, more than a knowledge base can hold");
    }
    store.ensureCapacity(chunks);
    ByteBuffer bytes = ByteBuffer.allocate((int) vectorBytes);
    FloatBuffer floats = bytes.asFloatBuffer();
    for (int i = 0; i < chunks; i++) {
      String id = readString(in, counted, utf8);
      String text = readString(in, counted, utf8);
      int pairs = in.readInt();
      if (pairs < 0) {
        throw corrupt("chunk '" + id + "' declares " + pairs + " metadata pairs");
      }
      if (pairs > counted.remaining() / 8) {
        throw new EOFException();
      }
      Map<String, String> metadata = new HashMap<>();
      for (int p = 0; p < pairs; p++) {
        metadata.put(readString(in, counted, utf8), readString(in, counted, utf8));
      }
      in.readFully(bytes.array());
      floats.clear();
      if (!store.append(id, text, Map.copyOf(metadata), floats)) {
        throw corrupt("it holds the chunk id '" + id + "' twice");
      }
    }
    long computed = checked.getChecksum().getValue();
    long stored = in.readLong();
    if (computed != stored) {
      throw corrupt("its checksum does not match its content");
    }
    if (in.read() != -1) {
      throw corrupt("it goes on after its checksum");
    }
    return store;
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in, Counting counted, CharsetDecoder utf8)
      throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw corrupt("it declares a string of " + length + " bytes");
    }
    if (length > counted.remaining()) {
      // Checked before allocating: a damaged length must not ask for gigabytes.
      throw new EOFException();
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException();
    }
    String value;
    try {
      // Strict: a lenient decoder would turn damaged bytes into U+FFFD without a word.
      value = utf8.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw corrupt("it holds a string that is not UTF-8");
    }
    if (KnowledgeChunk.indexOfUnstorable(value) >= 0) {
      throw corrupt("it holds a string with U+0000, which no chunk may hold");
    }
    return value;
  }

  /**
   * Gives the temporary file the POSIX permissions of the file it will replace: {@link
   * Files#createTempFile} makes it readable by its owner only, and a save must not make a shared
   * file private. Nothing to do where there is no such file or the file system has no POSIX
   * permissions.
   */
  private static void keepPermissions(Path target, Path temporary) throws IOException {
    PosixFileAttributeView existing =
        Files.getFileAttributeView(target, PosixFileAttributeView.class);
    if (existing == null || !Files.exists(target)) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = existing.readAttributes().permissions();
    } catch (NoSuchFileException e) {
      return; // deleted meanwhile: the save makes a new file
    }
    Files.setPosixFilePermissions(temporary, permissions);
  }

  private static void move(Path temporary, Path target) throws IOException {
    try {
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // A file system that cannot rename atomically within a directory: replace as best it can.
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void syncDirectory(Path directory) {
    // Makes the rename itself durable on Linux; other systems cannot open a directory, and the
    // save is complete without it.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException ignored) {
      // Best effort only.
    }
  }

  /** Counts the bytes read, to check a declared length against what the file has left. */
  private static final class Counting extends FilterInputStream {
    private final long size;
    private long position;

    Counting(InputStream in, long size) {
      super(in);
      this.size = size;
    }

    long remaining() {
      return size - position;
    }

    @Override
    public int read() throws IOException {
      int read = super.read();
      if (read >= 0) {
        position++;
      }
      return read;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        position += read;
      }
      return read;
    }

    @Override
    public long skip(long count) throws IOException {
      long skipped = super.skip(count);
      position += skipped;
      return skipped;
    }
  }

  private static StreamCorruptedException corrupt(String what) {
    return new StreamCorruptedException("the file is corrupt: " + what);
  }

  private static String describe(IOException e) {
    if (e instanceof StreamCorruptedException) {
      return e.getMessage();
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }
}
