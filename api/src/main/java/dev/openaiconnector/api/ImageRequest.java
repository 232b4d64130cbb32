package dev.openaiconnector.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An image generation request.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} checks the options against the model
 * before any network call, for {@code dall-e-2}, {@code dall-e-3} and the {@code gpt-image-*}
 * models, and reports every problem at once with what the model allows; options of other models
 * are passed on unchecked. Options left unset are not sent, so the provider's defaults apply.
 *
 * <pre>{@code
 * ImageResponse images = ai.generateImages(ImageRequest.builder()
 *     .model("dall-e-3")
 *     .prompt("A lighthouse at dawn, watercolour")
 *     .size("1792x1024")
 *     .quality("hd")
 *     .build());
 * }</pre>
 */
public final class ImageRequest {
  private final String model;
  private final String prompt;
  private final @Nullable Integer n;
  private final @Nullable String size;
  private final @Nullable String quality;
  private final @Nullable String style;
  private final @Nullable Format responseFormat;
  private final @Nullable String background;
  private final @Nullable String outputFormat;
  private final @Nullable String endUserId;
  private final @Nullable Duration timeout;
  private final @Nullable Integer maxRetries;

  private ImageRequest(Builder builder) {
    this.model = builder.model.strip();
    this.prompt = builder.prompt;
    this.n = builder.n;
    this.size = builder.size;
    this.quality = builder.quality;
    this.style = builder.style;
    this.responseFormat = builder.responseFormat;
    this.background = builder.background;
    this.outputFormat = builder.outputFormat;
    this.endUserId = builder.endUserId;
    this.timeout = builder.timeout;
    this.maxRetries = builder.maxRetries;
  }

  /**
   * Starts a request.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this request's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .model(model)
        .prompt(prompt)
        .n(n)
        .size(size)
        .quality(quality)
        .style(style)
        .responseFormat(responseFormat)
        .background(background)
        .outputFormat(outputFormat)
        .endUserId(endUserId)
        .timeout(timeout)
        .maxRetries(maxRetries);
  }

  /**
   * Returns the model id (for Azure, the deployment name).
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * Returns the description of the image.
   *
   * @return the prompt
   */
  public String prompt() {
    return prompt;
  }

  /**
   * Returns the number of images.
   *
   * @return n, or null for one
   */
  public @Nullable Integer n() {
    return n;
  }

  /**
   * Returns the size, for example {@code 1024x1024}.
   *
   * @return the size, or null for the model's default
   */
  public @Nullable String size() {
    return size;
  }

  /**
   * Returns the quality ({@code standard}/{@code hd}, or {@code low} to {@code high}).
   *
   * @return the quality, or null for the model's default
   */
  public @Nullable String quality() {
    return quality;
  }

  /**
   * Returns the style ({@code vivid} or {@code natural}; {@code dall-e-3} only).
   *
   * @return the style, or null
   */
  public @Nullable String style() {
    return style;
  }

  /**
   * Returns how the images are delivered: as URLs or in the response.
   *
   * @return the format, or null for the model's default
   */
  public @Nullable Format responseFormat() {
    return responseFormat;
  }

  /**
   * Returns the background ({@code transparent}, {@code opaque}, {@code auto}; {@code
   * gpt-image-*} only).
   *
   * @return the background, or null
   */
  public @Nullable String background() {
    return background;
  }

  /**
   * Returns the file format of the images ({@code png}, {@code jpeg}, {@code webp}; {@code
   * gpt-image-*} only).
   *
   * @return the output format, or null for PNG
   */
  public @Nullable String outputFormat() {
    return outputFormat;
  }

  /**
   * Returns the end-user id passed on for abuse monitoring.
   *
   * @return the user id, or null
   */
  public @Nullable String endUserId() {
    return endUserId;
  }

  /**
   * Returns this request's deadline across every attempt, replacing the connector's call
   * timeout. Not sent to the provider.
   *
   * @return the timeout, or null for the connector's
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * Returns how many times this request may be retried, replacing the connector's limit. Not sent
   * to the provider.
   *
   * @return the retries, or null for the connector's
   */
  public @Nullable Integer maxRetries() {
    return maxRetries;
  }

  // The prompt is left out: it may hold personal data and must not reach logs.
  @Override
  public String toString() {
    return "ImageRequest[model=" + model + (n == null ? "" : ", n=" + n)
        + (size == null ? "" : ", size=" + size) + "]";
  }

  /** How generated images are delivered. */
  public enum Format {
    /** A URL to fetch each image from, valid for a limited time. */
    URL("url"),
    /** The image itself, base64 in the response; the connector decodes it. */
    B64_JSON("b64_json");

    private final String wireValue;

    Format(String wireValue) {
      this.wireValue = wireValue;
    }

    /**
     * Returns the API's name for the format.
     *
     * @return {@code url} or {@code b64_json}
     */
    public String wireValue() {
      return wireValue;
    }
  }

  /** Builds an {@link ImageRequest}. Not thread-safe. */
  public static final class Builder {
    private String model = "";
    private String prompt = "";
    private @Nullable Integer n;
    private @Nullable String size;
    private @Nullable String quality;
    private @Nullable String style;
    private @Nullable Format responseFormat;
    private @Nullable String background;
    private @Nullable String outputFormat;
    private @Nullable String endUserId;
    private @Nullable Duration timeout;
    private @Nullable Integer maxRetries;

    private Builder() {}

    /**
     * Sets the model id (for Azure, the deployment name).
     *
     * @param model for example {@code dall-e-3} or {@code gpt-image-1}
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Sets the description of the image.
     *
     * @param prompt the prompt
     * @return this builder
     */
    public Builder prompt(String prompt) {
      this.prompt = Objects.requireNonNull(prompt, "prompt");
      return this;
    }

    /**
     * Sets the number of images.
     *
     * @param n 1 to 10 ({@code dall-e-3}: 1); or null for one
     * @return this builder
     */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the size.
     *
     * @param size for example {@code 1024x1024}; or null for the model's default
     * @return this builder
     */
    public Builder size(@Nullable String size) {
      this.size = size;
      return this;
    }

    /**
     * Sets the quality.
     *
     * @param quality {@code standard} or {@code hd} ({@code dall-e-3}); {@code low}, {@code
     *     medium}, {@code high} or {@code auto} ({@code gpt-image-*}); or null
     * @return this builder
     */
    public Builder quality(@Nullable String quality) {
      this.quality = quality;
      return this;
    }

    /**
     * Sets the style ({@code dall-e-3} only).
     *
     * @param style {@code vivid} or {@code natural}; or null
     * @return this builder
     */
    public Builder style(@Nullable String style) {
      this.style = style;
      return this;
    }

    /**
     * Sets how the images are delivered ({@code dall-e-*} only: {@code gpt-image-*} always
     * delivers them in the response).
     *
     * @param responseFormat the format, or null for the model's default (URLs for DALL-E)
     * @return this builder
     */
    public Builder responseFormat(@Nullable Format responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /**
     * Sets the background ({@code gpt-image-*} only).
     *
     * @param background {@code transparent} (with PNG or WebP), {@code opaque} or {@code auto};
     *     or null
     * @return this builder
     */
    public Builder background(@Nullable String background) {
      this.background = background;
      return this;
    }

    /**
     * Sets the file format ({@code gpt-image-*} only).
     *
     * @param outputFormat {@code png}, {@code jpeg} or {@code webp}; or null for PNG
     * @return this builder
     */
    public Builder outputFormat(@Nullable String outputFormat) {
      this.outputFormat = outputFormat;
      return this;
    }

    /**
     * Sets the end-user id (the API's {@code user} field).
     *
     * @param endUserId the user id, or null
     * @return this builder
     */
    public Builder endUserId(@Nullable String endUserId) {
      this.endUserId = endUserId;
      return this;
    }

    /**
     * Sets the time the request may take, attempts and waits included.
     *
     * @param timeout the timeout, positive; or null for the connector's
     * @return this builder
     */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how many times the request may be retried after a retriable failure.
     *
     * @param maxRetries zero or more; or null for the connector's
     * @return this builder
     */
    public Builder maxRetries(@Nullable Integer maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Checks every field against the model and builds the request.
     *
     * @return the request
     * @throws RequestValidationException listing every problem and what the model allows
     */
    public ImageRequest build() {
      List<String> problems = new ArrayList<>();
      if (model.isBlank()) {
        problems.add("model must not be blank; set it with model(\"dall-e-3\") or similar");
      }
      if (prompt.isBlank()) {
        problems.add("prompt must not be blank; describe the image with prompt(\"...\")");
      }
      if (n != null && (n < 1 || n > 10)) {
        problems.add("n must be between 1 and 10, was " + n);
      }
      CallLimits.check(problems, timeout, maxRetries);
      String family = model.strip().toLowerCase(Locale.ROOT);
      if (family.equals("dall-e-2")) {
        checkDallE2(problems);
      } else if (family.equals("dall-e-3")) {
        checkDallE3(problems);
      } else if (family.startsWith("gpt-image-")) {
        checkGptImage(problems);
      }
      if (!problems.isEmpty()) {
        throw new RequestValidationException(problems);
      }
      return new ImageRequest(this);
    }

    private void checkDallE2(List<String> problems) {
      checkPromptLength(problems, 1000);
      checkOneOf(problems, "size", size, Set.of("256x256", "512x512", "1024x1024"));
      checkOneOf(problems, "quality", quality, Set.of("standard"));
      checkUnset(problems, "style", style, "dall-e-3");
      checkUnset(problems, "background", background, "gpt-image-1");
      checkUnset(problems, "outputFormat", outputFormat, "gpt-image-1");
    }

    private void checkDallE3(List<String> problems) {
      checkPromptLength(problems, 4000);
      // n outside 1..10 is reported once, by the general rule.
      if (n != null && n > 1 && n <= 10) {
        problems.add(
            "n must be 1 for " + model.strip() + ", was " + n + "; send several requests, or use dall-e-2 or"
                + " gpt-image-1 for several images at once");
      }
      checkOneOf(problems, "size", size, Set.of("1024x1024", "1792x1024", "1024x1792"));
      checkOneOf(problems, "quality", quality, Set.of("standard", "hd"));
      checkOneOf(problems, "style", style, Set.of("vivid", "natural"));
      checkUnset(problems, "background", background, "gpt-image-1");
      checkUnset(problems, "outputFormat", outputFormat, "gpt-image-1");
    }

    private void checkGptImage(List<String> problems) {
      checkPromptLength(problems, 32000);
      checkOneOf(problems, "size", size, Set.of("1024x1024", "1536x1024", "1024x1536", "auto"));
      checkOneOf(problems, "quality", quality, Set.of("low", "medium", "high", "auto"));
      checkUnset(problems, "style", style, "dall-e-3");
      if (responseFormat != null) {
        problems.add(
            "responseFormat is not accepted by " + model.strip() + ", which always returns the"
                + " image in the response (base64); leave it unset");
      }
      checkOneOf(problems, "background", background, Set.of("transparent", "opaque", "auto"));
      checkOneOf(problems, "outputFormat", outputFormat, Set.of("png", "jpeg", "webp"));
      if ("transparent".equals(background) && "jpeg".equals(outputFormat)) {
        problems.add(
            "background transparent needs outputFormat png or webp; JPEG has no transparency");
      }
    }

    private void checkPromptLength(List<String> problems, int max) {
      if (prompt.length() > max) {
        problems.add(
            "prompt must be at most " + max + " characters for " + model.strip() + ", was "
                + prompt.length());
      }
    }

    private void checkOneOf(
        List<String> problems, String field, @Nullable String value, Set<String> allowed) {
      if (value != null && !allowed.contains(value)) {
        problems.add(
            field + " '" + value + "' is not allowed for " + model.strip() + "; allowed: "
                + String.join(", ", allowed.stream().sorted().toList()));
      }
    }

    private void checkUnset(
        List<String> problems, String field, @Nullable String value, String onlyFor) {
      if (value != null) {
        problems.add(
            field + " is not accepted by " + model.strip() + " (only by " + onlyFor
                + "); leave it unset");
      }
    }
  }
}
