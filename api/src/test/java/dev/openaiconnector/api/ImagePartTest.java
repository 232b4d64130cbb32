package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePartTest {
  private static final byte[] PNG = {1, 2, 3};

  @ParameterizedTest
  @ValueSource(strings = {"image/bmp", "image/svg+xml", "application/pdf", ""})
  void rejectsAnUnsupportedMimeTypeNamingTheSupportedOnes(String mimeType) {
    assertThatThrownBy(() -> ImagePart.ofBytes(PNG, mimeType, ImageDetail.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + mimeType + "' is not supported")
        .hasMessageContaining("image/png, image/jpeg, image/webp, image/gif");
  }

  @ParameterizedTest
  @ValueSource(strings = {"image/png", "image/jpeg", "image/webp", "image/gif"})
  void acceptsEverySupportedMimeType(String mimeType) {
    assertThat(ImagePart.ofBytes(PNG, mimeType, ImageDetail.AUTO).mimeType()).contains(mimeType);
  }

  @Test
  void normalisesTheMimeType() {
    assertThat(ImagePart.ofBytes(PNG, " IMAGE/PNG ", ImageDetail.LOW).mimeType())
        .contains("image/png");
  }

  @Test
  void rejectsEmptyBytes() {
    assertThatThrownBy(() -> ImagePart.ofBytes(new byte[0], "image/png", ImageDetail.LOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
  }

  @Test
  void copiesTheBytesOnTheWayInAndOut() {
    byte[] bytes = {1, 2, 3};
    ImagePart part = ImagePart.ofBytes(bytes, "image/png", ImageDetail.HIGH);

    bytes[0] = 9;
    part.bytes().orElseThrow()[1] = 9;

    assertThat(part.bytes()).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
  }

  @Test
  void givesInlineBytesAsABase64DataUrl() {
    ImagePart part = ImagePart.ofBytes(PNG, "image/png", ImageDetail.HIGH);

    assertThat(part.toUrlString()).isEqualTo("data:image/png;base64,AQID");
    assertThat(part.url()).isEmpty();
  }

  @Test
  void givesAUrlImageAsItsUrl() {
    URI url = URI.create("https://example.com/cat.png?sig=abc");
    ImagePart part = ImagePart.ofUrl(url, ImageDetail.LOW);

    assertThat(part.toUrlString()).isEqualTo(url.toString());
    assertThat(part.url()).contains(url);
    assertThat(part.bytes()).isEmpty();
    assertThat(part.mimeType()).isEmpty();
    assertThat(part.detail()).isEqualTo(ImageDetail.LOW);
  }

  @Test
  void rejectsARelativeUrl() {
    assertThatThrownBy(() -> ImagePart.ofUrl(URI.create("cat.png"), ImageDetail.LOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https:, http: or data:");
  }

  @Test
  void rejectsOtherSchemesWithoutShowingASignedQuery() {
    assertThatThrownBy(
            () ->
                ImagePart.ofUrl(
                    URI.create("//acct.blob.core.windows.net/x.png?sig=SECRETSIG"), ImageDetail.LOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("SECRETSIG");
    assertThatThrownBy(() -> ImagePart.ofUrl(URI.create("file:///etc/passwd"), ImageDetail.LOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringHidesTheQueryStringOfAUrl() {
    ImagePart part =
        ImagePart.ofUrl(
            URI.create("https://store.example.com/cat.png?sig=s3cr3t&se=2030"), ImageDetail.AUTO);

    assertThat(part.toString())
        .contains("https://store.example.com/cat.png?…")
        .doesNotContain("s3cr3t");
  }

  @Test
  void toStringNeverPrintsBase64() {
    ImagePart inline = ImagePart.ofBytes(PNG, "image/png", ImageDetail.AUTO);
    ImagePart dataUrl = ImagePart.ofUrl(URI.create("data:image/png;base64,AQID"), ImageDetail.AUTO);

    assertThat(inline.toString()).contains("image/png", "3 bytes").doesNotContain("AQID");
    assertThat(dataUrl.toString()).contains("data:…").doesNotContain("AQID");
  }

  @Test
  void equalByContent() {
    assertThat(ImagePart.ofBytes(new byte[] {1, 2, 3}, "image/png", ImageDetail.LOW))
        .isEqualTo(ImagePart.ofBytes(PNG, "image/png", ImageDetail.LOW))
        .hasSameHashCodeAs(ImagePart.ofBytes(PNG, "image/png", ImageDetail.LOW))
        .isNotEqualTo(ImagePart.ofBytes(PNG, "image/png", ImageDetail.HIGH));
  }

  @Test
  void detailHasItsWireValue() {
    assertThat(ImageDetail.AUTO.wireValue()).isEqualTo("auto");
    assertThat(ImageDetail.LOW.wireValue()).isEqualTo("low");
    assertThat(ImageDetail.HIGH.wireValue()).isEqualTo("high");
  }
}
