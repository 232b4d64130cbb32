package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The images of one generation request, with the tokens they cost where the model reports them
 * ({@code gpt-image-1}; DALL-E models report none).
 *
 * @param images the images, in the order the provider returned them
 * @param usage the tokens counted, {@link TokenUsage#ZERO} when not reported
 * @param requestId the provider's request id, or null
 */
public record ImageResponse(
    List<GeneratedImage> images, TokenUsage usage, @Nullable String requestId) {

  /** Checks the components and copies the list. */
  public ImageResponse {
    images = List.copyOf(images);
    Objects.requireNonNull(usage, "usage");
  }
}
