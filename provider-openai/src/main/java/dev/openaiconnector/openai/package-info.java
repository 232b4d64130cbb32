/**
 * The OpenAI provider: {@link dev.openaiconnector.openai.OpenAiProvider} for an explicit
 * instance, and {@link dev.openaiconnector.openai.OpenAiProviderFactory}, found by the core
 * through {@link java.util.ServiceLoader} and configured from {@code OPENAI_API_KEY}, {@code
 * OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID} and, for streams, {@code
 * OPENAI_STREAM_IDLE_TIMEOUT}.
 */
@NullMarked
package dev.openaiconnector.openai;

import org.jspecify.annotations.NullMarked;
