package dev.openaiconnector.api;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One generated image: a URL to fetch it from (valid for a limited time, about an hour at
 * OpenAI), or its decoded bytes, with the MIME type and the prompt the model actually used.
 */
public final class GeneratedImage {
  private final @Nullable URI url;
  private final byte @Nullable [] bytes;
  private final String mimeType;
  private final @Nullable String revisedPrompt;

  private GeneratedImage(
      @Nullable URI url, byte @Nullable [] bytes, String mimeType, @Nullable String revisedPrompt) {
    this.url = url;
    this.bytes = bytes;
    this.mimeType = Objects.requireNonNull(mimeType, "mimeType");
    this.revisedPrompt = revisedPrompt;
  }

  /**
   * An image to fetch from a URL.
   *
   * @param url where the image is
   * @param mimeType its type, for example {@code image/png}
   * @param revisedPrompt the prompt the model used, or null
   * @return the image
   */
  public static GeneratedImage ofUrl(URI url, String mimeType, @Nullable String revisedPrompt) {
    return new GeneratedImage(Objects.requireNonNull(url, "url"), null, mimeType, revisedPrompt);
  }

  /**
   * An image delivered in the response.
   *
   * @param bytes the decoded image; taken over, not copied
   * @param mimeType its type, for example {@code image/png}
   * @param revisedPrompt the prompt the model used, or null
   * @return the image
   */
  public static GeneratedImage ofBytes(
      byte[] bytes, String mimeType, @Nullable String revisedPrompt) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("an image must have bytes");
    }
    return new GeneratedImage(null, bytes, mimeType, revisedPrompt);
  }

  /**
   * Returns the URL the image can be fetched from.
   *
   * @return the URL, or empty when the bytes came in the response
   */
  public Optional<URI> url() {
    return Optional.ofNullable(url);
  }

  /**
   * Returns the decoded image, not a copy.
   *
   * @return the bytes, or empty when the image is at a URL
   */
  public Optional<byte[]> bytes() {
    return Optional.ofNullable(bytes);
  }

  /**
   * Returns the image's MIME type.
   *
   * @return for example {@code image/png}
   */
  public String mimeType() {
    return mimeType;
  }

  /**
   * Returns the prompt the model actually used ({@code dall-e-3} rewrites prompts).
   *
   * @return the revised prompt, or empty
   */
  public Optional<String> revisedPrompt() {
    return Optional.ofNullable(revisedPrompt);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof GeneratedImage)) {
      return false;
    }
    GeneratedImage that = (GeneratedImage) other;
    return Objects.equals(url, that.url)
        && Arrays.equals(bytes, that.bytes)
        && mimeType.equals(that.mimeType)
        && Objects.equals(revisedPrompt, that.revisedPrompt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, Arrays.hashCode(bytes), mimeType, revisedPrompt);
  }

  // The URL is left out: it grants access to the image without any key.
  @Override
  public String toString() {
    return "GeneratedImage["
        + (bytes != null ? bytes.length + " bytes" : "url")
        + ", "
        + mimeType
        + "]";
  }
}
