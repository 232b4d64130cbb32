package dev.openaiconnector.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The image of the fakes: a valid 2x2 RGBA PNG of a few dozen bytes, built once with real CRCs and
 * a real zlib stream so that any decoder reads it. Thread-safe.
 */
public final class FakePng {
  private static final byte[] PNG = build();

  private FakePng() {}

  /**
   * Returns the image's bytes.
   *
   * @return a new copy, so that no caller can change another's image
   */
  public static byte[] bytes() {
    return PNG.clone();
  }

  private static byte[] build() {
    int side = 2;
    // Each scanline: filter byte 0, then RGBA pixels (red, green / blue, transparent).
    byte[] raw = {
      0, (byte) 255, 0, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255,
      0, 0, 0, (byte) 255, (byte) 255, 0, 0, 0, 0
    };
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(raw);
    deflater.finish();
    byte[] buffer = new byte[128];
    int compressed = deflater.deflate(buffer);
    deflater.end();
    byte[] idat = new byte[compressed];
    System.arraycopy(buffer, 0, idat, 0, compressed);

    ByteBuffer header = ByteBuffer.allocate(13);
    header.putInt(side).putInt(side);
    header.put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", header.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    chunk.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
    out.writeBytes(chunk.array());
  }
}
