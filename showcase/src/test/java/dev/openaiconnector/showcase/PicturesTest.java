package dev.openaiconnector.showcase;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PicturesTest {

  @Test
  void drawsAValidPngOfARedCircleAndABlueSquareOnWhite() throws IOException {
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(Pictures.redCircleAndBlueSquare()));

    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(Pictures.SIZE);
    assertThat(image.getHeight()).isEqualTo(Pictures.SIZE);
    assertThat(image.getRGB(78, 128) & 0xFFFFFF).isEqualTo(0xD62828);
    assertThat(image.getRGB(190, 128) & 0xFFFFFF).isEqualTo(0x1D4ED8);
    assertThat(image.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }
}
