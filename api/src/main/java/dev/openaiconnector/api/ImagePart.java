package dev.openaiconnector.api;

import java.net.URI;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An image in a user message, given either by URL or by its bytes with a MIME type.
 *
 * <p>Bytes are checked against the formats the vision models accept ({@link
 * #SUPPORTED_MIME_TYPES}) when the part is made, before any network call.
 */
public final class ImagePart implements ContentPart {
  /** The MIME types the OpenAI vision models accept for inline images. */
  public static final Set<String> SUPPORTED_MIME_TYPES =
      Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

  private final @Nullable URI url;
  private final byte @Nullable [] bytes;
  private final @Nullable String mimeType;
  private final ImageDetail detail;

  private ImagePart(
      @Nullable URI url, byte @Nullable [] bytes, @Nullable String mimeType, ImageDetail detail) {
    this.url = url;
    this.bytes = bytes;
    this.mimeType = mimeType;
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  /**
   * An image the provider fetches from a URL ({@code https:}, {@code http:} or a {@code data:}
   * URL).
   *
   * @param url the image's address
   * @param detail how much detail to take
   * @return the part
   * @throws IllegalArgumentException if the URL is not an https, http or data URL
   */
  public static ImagePart ofUrl(URI url, ImageDetail detail) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http") || scheme.equals("data"))) {
      throw new IllegalArgumentException(
          "image url must be an https:, http: or data: URL, was '" + describe(url) + "'");
    }
    return new ImagePart(url, null, null, detail);
  }

  /**
   * An image sent inline, base64-encoded in the request.
   *
   * @param bytes the encoded image (PNG, JPEG, WEBP or GIF)
   * @param mimeType its MIME type, one of {@link #SUPPORTED_MIME_TYPES}
   * @param detail how much detail to take
   * @return the part
   * @throws IllegalArgumentException if the MIME type is not supported or the bytes are empty
   */
  public static ImagePart ofBytes(byte[] bytes, String mimeType, ImageDetail detail) {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mimeType, "mimeType");
    String normalized = mimeType.strip().toLowerCase(Locale.ROOT);
    if (!SUPPORTED_MIME_TYPES.contains(normalized)) {
      throw new IllegalArgumentException(
          "image mimeType '"
              + mimeType
              + "' is not supported; use one of image/png, image/jpeg, image/webp, image/gif");
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException("image bytes must not be empty");
    }
    return new ImagePart(null, bytes.clone(), normalized, detail);
  }

  /**
   * Returns the URL, for an image given by URL.
   *
   * @return the URL, or empty for an inline image
   */
  public Optional<URI> url() {
    return Optional.ofNullable(url);
  }

  /**
   * Returns a copy of the bytes, for an inline image.
   *
   * @return the bytes, or empty for an image given by URL
   */
  public Optional<byte[]> bytes() {
    return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
  }

  /**
   * Returns the MIME type, for an inline image.
   *
   * @return the MIME type, or empty for an image given by URL
   */
  public Optional<String> mimeType() {
    return Optional.ofNullable(mimeType);
  }

  /**
   * Returns the detail level.
   *
   * @return the detail level
   */
  public ImageDetail detail() {
    return detail;
  }

  /**
   * Returns the image as a URL the API accepts: the URL itself, or a base64 {@code data:} URL.
   *
   * @return the URL string
   */
  public String toUrlString() {
    if (url != null) {
      return url.toString();
    }
    return "data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof ImagePart)) {
      return false;
    }
    ImagePart that = (ImagePart) other;
    return Objects.equals(url, that.url)
        && Arrays.equals(bytes, that.bytes)
        && Objects.equals(mimeType, that.mimeType)
        && detail == that.detail;
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, Arrays.hashCode(bytes), mimeType, detail);
  }

  @Override
  public String toString() {
    return url != null
        ? "ImagePart[url=" + describe(url) + ", detail=" + detail + "]"
        : "ImagePart[" + mimeType + ", " + bytes.length + " bytes, detail=" + detail + "]";
  }

  // Signed URLs carry tokens in the query, and data: URLs can be megabytes: show neither.
  private static String describe(URI url) {
    if ("data".equalsIgnoreCase(url.getScheme())) {
      return "data:…";
    }
    if (url.getScheme() == null) {
      return (url.getRawPath() == null ? "" : url.getRawPath())
          + (url.getRawQuery() == null ? "" : "?…");
    }
    String shown = url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    return url.getRawQuery() == null ? shown : shown + "?…";
  }
}
