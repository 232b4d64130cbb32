package dev.openaiconnector.openai.internal;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /images/generations}; null fields are left out, so the API's defaults
 * apply.
 *
 * @param model the model, or null where the URL names it
 * @param prompt the description
 * @param n the number of images
 * @param size the size
 * @param quality the quality
 * @param style the style
 * @param responseFormat {@code url} or {@code b64_json}
 * @param background the background
 * @param outputFormat the file format
 * @param user the end-user id
 */
public record ImageRequestDto(
    @Nullable String model,
    String prompt,
    @Nullable Integer n,
    @Nullable String size,
    @Nullable String quality,
    @Nullable String style,
    @Nullable String responseFormat,
    @Nullable String background,
    @Nullable String outputFormat,
    @Nullable String user) {}
