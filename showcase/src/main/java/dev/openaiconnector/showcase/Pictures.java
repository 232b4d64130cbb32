package dev.openaiconnector.showcase;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Draws the picture the vision step sends: a red circle and a blue square on white, as a PNG made
 * with the JDK's zip classes alone, so that the showcase needs no image file, no network and no
 * AWT (which would start a windowing toolkit on some desktops).
 */
final class Pictures {
  /** The side of the square picture, in pixels. */
  static final int SIZE = 256;

  private Pictures() {}

  /**
   * Returns the picture.
   *
   * @return a 256 by 256 RGB PNG
   */
  static byte[] redCircleAndBlueSquare() {
    byte[] raw = new byte[SIZE * (1 + SIZE * 3)];
    int at = 0;
    for (int y = 0; y < SIZE; y++) {
      raw[at++] = 0; // filter type "none" for this row
      for (int x = 0; x < SIZE; x++) {
        int rgb = 0xFFFFFF;
        int dx = x - 78;
        int dy = y - 128;
        if (dx * dx + dy * dy <= 52 * 52) {
          rgb = 0xD62828;
        } else if (x >= 146 && x < 234 && y >= 84 && y < 172) {
          rgb = 0x1D4ED8;
        }
        raw[at++] = (byte) (rgb >> 16);
        raw[at++] = (byte) (rgb >> 8);
        raw[at++] = (byte) rgb;
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13);
    header.putInt(SIZE).putInt(SIZE);
    header.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
    chunk(png, "IHDR", header.array());
    chunk(png, "IDAT", deflate(raw));
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflater = new DeflaterOutputStream(compressed)) {
      deflater.write(data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // cannot happen: it writes to memory
    }
    return compressed.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
