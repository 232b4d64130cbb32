package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageRequestTest {
  static Stream<Arguments> invalidFields() {
    return Stream.of(
        // Every model
        invalid("gpt-image-1", b -> b.model(" "), "model must not be blank; set it with model("),
        invalid("dall-e-3", b -> b.prompt(" "), "prompt must not be blank; describe the image"),
        invalid("dall-e-2", b -> b.n(0), "n must be between 1 and 10, was 0"),
        invalid("dall-e-2", b -> b.n(11), "n must be between 1 and 10, was 11"),
        invalid("dall-e-2", b -> b.timeout(Duration.ZERO), "timeout must be positive, was PT0S"),
        invalid("dall-e-2", b -> b.maxRetries(-1), "maxRetries must be zero or more, was -1"),
        // dall-e-2
        invalid(
            "dall-e-2",
            b -> b.prompt("x".repeat(1001)),
            "prompt must be at most 1000 characters for dall-e-2, was 1001"),
        invalid(
            "dall-e-2",
            b -> b.size("1792x1024"),
            "size '1792x1024' is not allowed for dall-e-2; allowed: 1024x1024, 256x256, 512x512"),
        invalid(
            "dall-e-2",
            b -> b.quality("hd"),
            "quality 'hd' is not allowed for dall-e-2; allowed: standard"),
        invalid(
            "dall-e-2",
            b -> b.style("vivid"),
            "style is not accepted by dall-e-2 (only by dall-e-3); leave it unset"),
        invalid(
            "dall-e-2",
            b -> b.background("transparent"),
            "background is not accepted by dall-e-2 (only by gpt-image-1); leave it unset"),
        invalid(
            "dall-e-2",
            b -> b.outputFormat("webp"),
            "outputFormat is not accepted by dall-e-2 (only by gpt-image-1); leave it unset"),
        // dall-e-3
        invalid(
            "dall-e-3",
            b -> b.prompt("x".repeat(4001)),
            "prompt must be at most 4000 characters for dall-e-3, was 4001"),
        invalid("dall-e-3", b -> b.n(2), "n must be 1 for dall-e-3, was 2; send several requests"),
        invalid(
            "dall-e-3",
            b -> b.size("512x512"),
            "size '512x512' is not allowed for dall-e-3; allowed: 1024x1024, 1024x1792, 1792x1024"),
        invalid(
            "dall-e-3",
            b -> b.quality("high"),
            "quality 'high' is not allowed for dall-e-3; allowed: hd, standard"),
        invalid(
            "dall-e-3",
            b -> b.style("pastel"),
            "style 'pastel' is not allowed for dall-e-3; allowed: natural, vivid"),
        invalid(
            "dall-e-3",
            b -> b.background("opaque"),
            "background is not accepted by dall-e-3 (only by gpt-image-1); leave it unset"),
        invalid(
            "dall-e-3",
            b -> b.outputFormat("png"),
            "outputFormat is not accepted by dall-e-3 (only by gpt-image-1); leave it unset"),
        // gpt-image-*
        invalid(
            "gpt-image-1",
            b -> b.prompt("x".repeat(32001)),
            "prompt must be at most 32000 characters for gpt-image-1, was 32001"),
        invalid(
            "gpt-image-1",
            b -> b.size("256x256"),
            "size '256x256' is not allowed for gpt-image-1; allowed: 1024x1024, 1024x1536,"
                + " 1536x1024, auto"),
        invalid(
            "gpt-image-1",
            b -> b.quality("hd"),
            "quality 'hd' is not allowed for gpt-image-1; allowed: auto, high, low, medium"),
        invalid(
            "gpt-image-1",
            b -> b.style("vivid"),
            "style is not accepted by gpt-image-1 (only by dall-e-3); leave it unset"),
        invalid(
            "gpt-image-1",
            b -> b.responseFormat(ImageRequest.Format.URL),
            "responseFormat is not accepted by gpt-image-1, which always returns the image in"
                + " the response (base64); leave it unset"),
        invalid(
            "gpt-image-1",
            b -> b.background("white"),
            "background 'white' is not allowed for gpt-image-1; allowed: auto, opaque,"
                + " transparent"),
        invalid(
            "gpt-image-1",
            b -> b.outputFormat("gif"),
            "outputFormat 'gif' is not allowed for gpt-image-1; allowed: jpeg, png, webp"),
        invalid(
            "gpt-image-1",
            b -> b.background("transparent").outputFormat("jpeg"),
            "background transparent needs outputFormat png or webp; JPEG has no transparency"));
  }

  private static Arguments invalid(
      String model, Consumer<ImageRequest.Builder> change, String message) {
    return Arguments.of(model, change, message);
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("invalidFields")
  void rejectsAnOptionTheModelDoesNotAllowSayingWhatIsAllowed(
      String model, Consumer<ImageRequest.Builder> change, String message) {
    ImageRequest.Builder builder = ImageRequest.builder().model(model).prompt("A lighthouse");
    change.accept(builder);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .singleElement()
                    .satisfies(problem -> assertThat(problem).startsWith(message)));
  }

  @Test
  void aDallE3RequestForTwoImagesReportsBothProblems() {
    ImageRequest.Builder builder =
        ImageRequest.builder().model("dall-e-3").prompt("A lighthouse").n(2).size("256x256");

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .satisfies(e -> assertThat(((RequestValidationException) e).problems()).hasSize(2));
  }

  @Test
  void checksTheModelWhateverItsCaseAndSpaces() {
    assertThatThrownBy(() -> ImageRequest.builder().model(" DALL-E-3 ").prompt("x").n(2).build())
        .isInstanceOf(RequestValidationException.class)
        .hasMessageContaining("n must be 1 for DALL-E-3");
  }

  @Test
  void passesTheOptionsOfOtherModelsOnUnchecked() {
    assertThatCode(
            () ->
                ImageRequest.builder()
                    .model("my-image-deployment")
                    .prompt("A lighthouse")
                    .size("640x480")
                    .quality("ultra")
                    .style("pastel")
                    .build())
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsEveryValidOptionOfEachModel() {
    assertThatCode(
            () -> {
              ImageRequest.builder()
                  .model("dall-e-2")
                  .prompt("x".repeat(1000))
                  .n(10)
                  .size("256x256")
                  .quality("standard")
                  .responseFormat(ImageRequest.Format.B64_JSON)
                  .build();
              ImageRequest.builder()
                  .model("dall-e-3")
                  .prompt("x".repeat(4000))
                  .n(1)
                  .size("1792x1024")
                  .quality("hd")
                  .style("natural")
                  .responseFormat(ImageRequest.Format.URL)
                  .build();
              ImageRequest.builder()
                  .model("gpt-image-1")
                  .prompt("x".repeat(32000))
                  .n(10)
                  .size("auto")
                  .quality("low")
                  .background("transparent")
                  .outputFormat("webp")
                  .build();
            })
        .doesNotThrowAnyException();
  }

  @Test
  void keepsEveryValueAndLeavesThePromptOutOfToString() {
    ImageRequest request =
        ImageRequest.builder()
            .model(" gpt-image-1 ")
            .prompt("my secret drawing")
            .n(2)
            .size("1024x1536")
            .quality("medium")
            .background("opaque")
            .outputFormat("jpeg")
            .endUserId("user-1")
            .timeout(Duration.ofSeconds(90))
            .maxRetries(1)
            .build();

    assertThat(request.model()).isEqualTo("gpt-image-1");
    assertThat(request.prompt()).isEqualTo("my secret drawing");
    assertThat(request.n()).isEqualTo(2);
    assertThat(request.size()).isEqualTo("1024x1536");
    assertThat(request.quality()).isEqualTo("medium");
    assertThat(request.style()).isNull();
    assertThat(request.responseFormat()).isNull();
    assertThat(request.background()).isEqualTo("opaque");
    assertThat(request.outputFormat()).isEqualTo("jpeg");
    assertThat(request.endUserId()).isEqualTo("user-1");
    assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(request.maxRetries()).isEqualTo(1);
    assertThat(request.toBuilder().build()).hasToString(request.toString());
    assertThat(request.toBuilder().build().outputFormat()).isEqualTo("jpeg");
    assertThat(request.toString()).doesNotContain("secret");
  }

  @Test
  void theFormatsHaveTheirWireValues() {
    assertThat(ImageRequest.Format.URL.wireValue()).isEqualTo("url");
    assertThat(ImageRequest.Format.B64_JSON.wireValue()).isEqualTo("b64_json");
  }
}
