package dev.openaiconnector.testkit;

import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.ImagesPort;
import dev.openaiconnector.testkit.internal.FakePng;
import dev.openaiconnector.testkit.internal.FakeVectors;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A scripted, recording image generation port: each request gets, in this order, the next queued
 * answer; the {@link #answerWith} function if one is set; else {@link #defaultAnswer} (unless the
 * fake is {@link FakeProvider#strict()}: then the request fails with an {@link AssertionError}).
 * Every request is recorded, and every answer waits the {@link #latency} first. Thread-safe.
 */
public final class FakeImagesPort implements ImagesPort {
  private final PortScript<ImageRequest, ImageResponse> script;

  FakeImagesPort(FakeProvider.Shared shared) {
    this.script =
        new PortScript<>(
            "FakeImagesPort",
            shared,
            FakeImagesPort::defaultAnswer,
            true,
            request ->
                "model " + request.model() + ", prompt " + FakeChatPort.excerpt(request.prompt()),
            "enqueue(...) or enqueueFailure(...)");
  }

  PortScript<ImageRequest, ImageResponse> script() {
    return script;
  }

  /**
   * Queues an answer.
   *
   * @param response the answer to return for the next unanswered request
   * @return this port
   */
  public FakeImagesPort enqueue(ImageResponse response) {
    Objects.requireNonNull(response, "response");
    script.enqueue(request -> response);
    return this;
  }

  /**
   * Queues a failure.
   *
   * @param failure the exception to throw for the next unanswered request
   * @return this port
   */
  public FakeImagesPort enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    script.enqueue(
        request -> {
          throw failure;
        });
    return this;
  }

  /**
   * Answers every request the queue does not answer with a function of the request, instead of
   * {@link #defaultAnswer}.
   *
   * @param answer computes the answer, or throws
   * @return this port
   */
  public FakeImagesPort answerWith(Function<ImageRequest, ImageResponse> answer) {
    script.fallback(answer);
    return this;
  }

  /**
   * Makes every answer wait this long first; an answer that would outlast the call's deadline
   * fails with a {@code RequestTimeoutException} when the deadline passes.
   *
   * @param latency the wait, zero (the default) for none
   * @return this port
   */
  public FakeImagesPort latency(Duration latency) {
    script.latency(latency);
    return this;
  }

  @Override
  public ImageResponse generate(ImageRequest request, Deadline deadline) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(deadline, "deadline");
    return script.answer(request, deadline);
  }

  /**
   * Returns the requests received so far, oldest first.
   *
   * @return a copy of the recorded requests
   */
  public List<ImageRequest> requests() {
    return script.requests();
  }

  /**
   * Returns the last request received.
   *
   * @return the request
   * @throws IllegalStateException if there was none
   */
  public ImageRequest lastRequest() {
    return script.lastRequest();
  }

  /**
   * Returns how many scripted answers are still queued.
   *
   * @return the count
   */
  public int remaining() {
    return script.remaining();
  }

  /**
   * Builds the answer given when nothing is scripted: {@code n} copies of {@link #png()}, as bytes
   * for {@code gpt-image-*} models and {@code b64_json}, else as a {@code data:} URL holding the
   * image (no server is involved); MIME type {@code image/png} (or the output format's, though the
   * bytes are always the PNG); for {@code dall-e-3} the revised prompt {@code A detailed rendering
   * of: <prompt>}, as {@link FakeOpenAiServer} answers; for {@code gpt-image-*} a usage of about
   * four prompt characters a token and 1056 tokens an image.
   *
   * @param request the request answered
   * @return the response
   */
  public static ImageResponse defaultAnswer(ImageRequest request) {
    Objects.requireNonNull(request, "request");
    String model = request.model().toLowerCase(Locale.ROOT);
    boolean gptImage = model.startsWith("gpt-image-");
    boolean bytes = gptImage || request.responseFormat() == ImageRequest.Format.B64_JSON;
    String mimeType =
        request.outputFormat() == null ? "image/png" : "image/" + request.outputFormat();
    String revisedPrompt =
        model.equals("dall-e-3") ? "A detailed rendering of: " + request.prompt() : null;
    int n = request.n() == null ? 1 : request.n();
    List<GeneratedImage> images = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      images.add(
          bytes
              ? GeneratedImage.ofBytes(png(), mimeType, revisedPrompt)
              : GeneratedImage.ofUrl(
                  URI.create("data:image/png;base64," + Base64.getEncoder().encodeToString(png())),
                  mimeType,
                  revisedPrompt));
    }
    TokenUsage usage =
        gptImage ? TokenUsage.of(FakeVectors.tokens(request.prompt()), 1056L * n) : TokenUsage.ZERO;
    return new ImageResponse(images, usage, null);
  }

  /**
   * Returns the fakes' image: a valid 2x2 PNG of a few dozen bytes.
   *
   * @return a new copy of its bytes
   */
  public static byte[] png() {
    return FakePng.bytes();
  }
}
