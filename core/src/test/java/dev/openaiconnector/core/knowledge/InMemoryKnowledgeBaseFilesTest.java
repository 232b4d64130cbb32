package dev.openaiconnector.core.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openaiconnector.api.KnowledgeChunk;
import dev.openaiconnector.api.KnowledgeHit;
import dev.openaiconnector.api.SearchOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryKnowledgeBaseFilesTest {
  private static final int DIMENSIONS = 24;

  @TempDir Path directory;

  private final Random random = new Random(17);

  private KnowledgeChunk chunk(String id, String text, Map<String, String> metadata) {
    return new KnowledgeChunk(id, text, metadata, InMemoryKnowledgeBaseTest.gaussian(random, DIMENSIONS));
  }

  private InMemoryKnowledgeBase filled() {
    InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(DIMENSIONS);
    List<KnowledgeChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      chunks.add(chunk("doc#" + i, "plain text " + i, Map.of("group", "g" + (i % 3))));
    }
    // Above 64 KB of UTF-8: writeUTF could not hold it.
    chunks.add(chunk("long", "Grüße 😀 中文 ".repeat(5000), Map.of("kind", "long")));
    chunks.add(chunk("unicode \u05e9\u05dc\u05d5\u05dd", "\u0001 control, \ud83d\ude00, \u00e9", Map.of("empty", "", "k\u00e9y", "v\u00e4lue")));
    kb.upsert(chunks);
    kb.delete(List.of("doc#3", "doc#10", "doc#49"));
    kb.deleteMatching(Map.of("group", "g2"));
    return kb;
  }

  @Test
  void savesAndLoadsEverythingBackAfterDeletes() {
    Path file = directory.resolve("nested/dir/kb.bin");
    try (InMemoryKnowledgeBase original = filled();
        InMemoryKnowledgeBase loaded = saveAndLoad(original, file)) {
      assertThat(original.get("long").orElseThrow().text().getBytes(StandardCharsets.UTF_8).length)
          .isGreaterThan(70_000);
      assertThat(loaded.dimensions()).isEqualTo(DIMENSIONS);
      assertThat(loaded.count(Map.of())).isEqualTo(original.count(Map.of())).isEqualTo(33);
      for (String id : ids(original)) {
        assertThat(loaded.get(id)).isEqualTo(original.get(id));
      }
      assertThat(loaded.get("doc#3")).isEmpty();
      assertThat(loaded.count(Map.of("group", "g2"))).isZero();
      float[] query = InMemoryKnowledgeBaseTest.gaussian(random, DIMENSIONS);
      SearchOptions options = SearchOptions.builder().topK(10).filter("group", "g1").build();
      assertThat(loaded.search(query, options)).isEqualTo(original.search(query, options));
      assertThat(loaded.file()).isEmpty();
    }
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void writesTheSameBytesForTheSameContent() throws IOException {
    try (InMemoryKnowledgeBase kb = filled()) {
      kb.save(directory.resolve("a.bin"));
      kb.save(directory.resolve("b.bin"));
    }
    assertThat(Files.readAllBytes(directory.resolve("a.bin")))
        .isEqualTo(Files.readAllBytes(directory.resolve("b.bin")));
  }

  @Test
  void aSaveKeepsThePermissionsOfTheFileItReplaces() throws IOException {
    Path file = directory.resolve("kb.bin");
    assumeTrue(
        Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class),
        "the file system has POSIX permissions");
    try (InMemoryKnowledgeBase kb = filled()) {
      kb.save(file);
      assertThat(Files.getPosixFilePermissions(file))
          .as("a new file is its owner's only")
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-r-----");
      Files.setPosixFilePermissions(file, shared);

      kb.upsert(List.of(chunk("another", "text", Map.of())));
      kb.save(file);

      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(shared);
      assertThat(InMemoryKnowledgeBase.load(file).get("another")).isPresent();
    }
  }

  @Test
  void reportsAFileWithAStringNoChunkMayHoldAsCorrupt() throws IOException {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(2)) {
      kb.upsert(List.of(new KnowledgeChunk("a", "x\u0001y", Map.of(), new float[] {1, 0})));
      kb.save(file);
    }
    byte[] bytes = Files.readAllBytes(file);
    int control = indexOf(bytes, new byte[] {'x', 1, 'y'}) + 1;
    Path nul = directory.resolve("nul.bin");
    bytes[control] = 0;
    Files.write(nul, withChecksum(bytes));
    Path notUtf8 = directory.resolve("not-utf8.bin");
    bytes[control] = (byte) 0xC3; // starts a two-byte sequence that 'y' does not continue
    Files.write(notUtf8, withChecksum(bytes));

    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(nul))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(nul.toString())
        .hasMessageContaining("U+0000");
    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(notUtf8))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("not UTF-8");
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /** Writes a valid checksum after the body, so that only the content is wrong. */
  private static byte[] withChecksum(byte[] file) {
    int body = file.length - Long.BYTES;
    CRC32 crc = new CRC32();
    crc.update(file, 0, body);
    byte[] fixed = file.clone();
    ByteBuffer.wrap(fixed).putLong(body, crc.getValue());
    return fixed;
  }

  @Test
  void reportsAMissingFileByName() {
    Path missing = directory.resolve("missing.bin");

    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void reportsATruncatedFileByName() throws IOException {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = filled()) {
      kb.save(file);
    }
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = directory.resolve("truncated.bin");
    for (int length : new int[] {6, 16, 100, bytes.length / 2, bytes.length - 1}) {
      Files.write(truncated, Arrays.copyOf(bytes, length));

      assertThatThrownBy(() -> InMemoryKnowledgeBase.load(truncated))
          .as("a file cut to %d of %d bytes", length, bytes.length)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(truncated.toString())
          .hasMessageContaining("ends early");
    }
  }

  @Test
  void reportsAFileThatIsNotAKnowledgeBase() throws IOException {
    Path foreign = directory.resolve("notes.txt");
    Files.writeString(foreign, "just some notes, not a knowledge base");
    Path tiny = directory.resolve("tiny.bin");
    Files.write(tiny, new byte[] {1, 2});

    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(foreign))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(foreign.toString())
        .hasMessageContaining("not a knowledge base file");
    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(tiny))
        .hasMessageContaining("not a knowledge base file");
  }

  @Test
  void reportsACorruptFileAndALaterFormatVersion() throws IOException {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = filled()) {
      kb.save(file);
    }
    byte[] bytes = Files.readAllBytes(file);

    byte[] flipped = bytes.clone();
    flipped[bytes.length - 100] ^= 0x10; // inside the last vector: only the checksum can tell
    Path corrupt = directory.resolve("corrupt.bin");
    Files.write(corrupt, flipped);
    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(corrupt))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(corrupt.toString())
        .hasMessageContaining("corrupt")
        .hasMessageContaining("checksum");

    byte[] later = bytes.clone();
    ByteBuffer.wrap(later).putInt(4, 2);
    Path newer = directory.resolve("newer.bin");
    Files.write(newer, later);
    assertThatThrownBy(() -> InMemoryKnowledgeBase.load(newer))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(newer.toString())
        .hasMessageContaining("format version 2")
        .hasMessageContaining("later version of the library");
  }

  @Test
  void aKnowledgeBaseOpenedOnAFileSavesItOnClose() throws IOException {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(file, DIMENSIONS)) {
      assertThat(kb.count(Map.of())).isZero();
      assertThat(kb.file()).contains(file.toAbsolutePath());
      kb.upsert(List.of(chunk("a", "first", Map.of())));
      assertThat(file).doesNotExist(); // nothing reaches the disk before save() or close()
    }
    assertThat(file).exists();

    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(file, DIMENSIONS)) {
      assertThat(kb.get("a").orElseThrow().text()).isEqualTo("first");
      kb.upsert(List.of(chunk("b", "second", Map.of())));
      kb.save();
      assertThat(InMemoryKnowledgeBase.load(file).count(Map.of())).isEqualTo(2);
      Files.delete(file);
      // Nothing changed since the save: close does not write again.
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void aFailedSaveOnCloseKeepsTheKnowledgeBaseOpen() throws IOException {
    Path blocker = directory.resolve("blocker");
    Files.writeString(blocker, "a file where a directory should be");
    InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(blocker.resolve("kb.bin"), DIMENSIONS);
    kb.upsert(List.of(chunk("a", "kept", Map.of())));

    assertThatThrownBy(kb::close)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(blocker.resolve("kb.bin").toString());
    assertThat(kb.get("a")).isPresent();
    Path elsewhere = directory.resolve("elsewhere.bin");
    kb.save(elsewhere);
    assertThat(InMemoryKnowledgeBase.load(elsewhere).get("a")).isPresent();
    Files.delete(blocker);
    kb.close();
    assertThat(InMemoryKnowledgeBase.load(blocker.resolve("kb.bin")).get("a")).isPresent();
  }

  @Test
  void savesAConsistentSnapshotWhileWritersRun() throws Exception {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.create(DIMENSIONS)) {
      Thread writer =
          new Thread(
              () -> {
                Random local = new Random(3);
                for (int batch = 0; batch < 200; batch++) {
                  List<KnowledgeChunk> chunks = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    chunks.add(
                        new KnowledgeChunk(
                            "b" + batch + "-" + i,
                            "text",
                            Map.of(),
                            InMemoryKnowledgeBaseTest.gaussian(local, DIMENSIONS)));
                  }
                  kb.upsert(chunks);
                }
              });
      writer.start();
      for (int save = 0; save < 20; save++) {
        kb.save(file);
        try (InMemoryKnowledgeBase snapshot = InMemoryKnowledgeBase.load(file)) {
          // Batches are written whole: a snapshot holds whole batches only.
          assertThat(snapshot.count(Map.of()) % 10).isZero();
        }
      }
      writer.join();
      kb.save(file);
    }
    try (InMemoryKnowledgeBase loaded = InMemoryKnowledgeBase.load(file)) {
      assertThat(loaded.count(Map.of())).isEqualTo(2000);
    }
  }

  @Test
  void refusesToOpenAFileOfOtherDimensions() {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = InMemoryKnowledgeBase.open(file, DIMENSIONS)) {
      kb.upsert(List.of(chunk("a", "text", Map.of())));
    }

    assertThatThrownBy(() -> InMemoryKnowledgeBase.open(file, 1536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining(DIMENSIONS + " dimensions")
        .hasMessageContaining("1536");
  }

  @Test
  void loadedSearchesFindTheSameHits() {
    Path file = directory.resolve("kb.bin");
    try (InMemoryKnowledgeBase kb = filled()) {
      kb.save(file);
      float[] query = kb.get("doc#7").orElseThrow().vector();
      List<KnowledgeHit> before = kb.search(query, SearchOptions.topK(3));
      try (InMemoryKnowledgeBase loaded = InMemoryKnowledgeBase.load(file)) {
        assertThat(loaded.search(query, SearchOptions.topK(3))).isEqualTo(before);
        assertThat(before.get(0).chunk().id()).isEqualTo("doc#7");
      }
    }
  }

  private static InMemoryKnowledgeBase saveAndLoad(InMemoryKnowledgeBase kb, Path file) {
    kb.save(file);
    return InMemoryKnowledgeBase.load(file);
  }

  private static List<String> ids(InMemoryKnowledgeBase kb) {
    float[] everywhere = new float[DIMENSIONS];
    Arrays.fill(everywhere, 1);
    return kb.search(everywhere, SearchOptions.topK(1000)).stream()
        .map(hit -> hit.chunk().id())
        .toList();
  }
}
