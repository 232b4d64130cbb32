package dev.openaiconnector.core.testing;

import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.GeneratedImage;
import dev.openaiconnector.api.ImageRequest;
import dev.openaiconnector.api.ImageResponse;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.spi.Deadline;
import dev.openaiconnector.spi.ImagesPort;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An images port that records each request and answers with the scripted responses or failures,
 * in order; once the script is used up, one PNG per image asked for, without usage.
 */
public final class ScriptedImagesPort implements ImagesPort {
  /** The signature of a PNG file: enough bytes to stand for an image. */
  public static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private final List<ImageRequest> requests = new CopyOnWriteArrayList<>();
  private final Deque<Object> script = new ArrayDeque<>();

  /**
   * Answers the next call with this response.
   *
   * @param response the response
   * @return this port
   */
  public synchronized ScriptedImagesPort enqueue(ImageResponse response) {
    script.add(response);
    return this;
  }

  /**
   * Fails the next call with this failure.
   *
   * @param failure the failure
   * @return this port
   */
  public synchronized ScriptedImagesPort enqueueFailure(ConnectorException failure) {
    script.add(failure);
    return this;
  }

  @Override
  public ImageResponse generate(ImageRequest request, Deadline deadline) {
    requests.add(request);
    Object next;
    synchronized (this) {
      next = script.poll();
    }
    if (next instanceof ConnectorException) {
      throw (ConnectorException) next;
    }
    if (next != null) {
      return (ImageResponse) next;
    }
    int n = request.n() == null ? 1 : request.n();
    List<GeneratedImage> images = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      images.add(GeneratedImage.ofBytes(PNG.clone(), "image/png", null));
    }
    return new ImageResponse(images, TokenUsage.ZERO, "req-image-" + requests.size());
  }

  /**
   * Returns the requests received so far.
   *
   * @return a copy, oldest first
   */
  public List<ImageRequest> requests() {
    return List.copyOf(requests);
  }
}
