package dev.openaiconnector.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FakePngTest {
  @Test
  void isATinyPngThatImageIoDecodes() throws IOException {
    byte[] png = FakePng.bytes();

    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));

    assertThat(png.length).isLessThan(100);
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(2);
    assertThat(image.getHeight()).isEqualTo(2);
    assertThat(image.getRGB(0, 0)).isEqualTo(0xFFFF0000);
    assertThat(image.getRGB(1, 1) >>> 24).isZero();
  }

  @Test
  void handsOutCopies() {
    byte[] first = FakePng.bytes();
    first[0] = 0;

    assertThat(FakePng.bytes()[0]).isEqualTo((byte) 0x89);
  }
}
