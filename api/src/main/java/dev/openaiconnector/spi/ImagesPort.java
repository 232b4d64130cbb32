package dev.openaiconnector.spi;

import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;

/**
 * Performs one image generation call. Thread-safe; never retries; maps every failure to a {@link
 * dev.openaiconnector.api.ConnectorException} subtype.
 */
@FunctionalInterface
public interface ImagesPort {
  /**
   * Sends the request and returns the images, base64 ones already decoded.
   *
   * @param request a request already validated by the core
   * @param deadline when the call must have ended, body included
   * @return the images
   * @throws dev.openaiconnector.api.ConnectorException for every failure
   */
  ImageResponse generate(ImageRequest request, Deadline deadline);
}
