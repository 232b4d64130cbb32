package dev.openaiconnector.openai.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /embeddings}; null fields are left out.
 *
 * @param model the model, or null where the URL names it
 * @param input the texts
 * @param encodingFormat {@code base64}, so vectors travel as float32 bytes, not decimal text
 * @param dimensions the dimensions, or null for the model's own
 * @param user the end-user id, or null
 */
public record EmbeddingRequestDto(
    @Nullable String model,
    List<String> input,
    String encodingFormat,
    @Nullable Integer dimensions,
    @Nullable String user) {}
