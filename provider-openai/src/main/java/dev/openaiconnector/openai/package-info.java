/**
 * The OpenAI provider: {@link dev.openaiconnector.openai.OpenAiProvider} for an explicit
 * instance, and {@link dev.openaiconnector.openai.OpenAiProviderFactory}, found by the core
 * through {@link java.util.ServiceLoader} and configured from {@code OPENAI_API_KEY}, {@code
 * OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID} and, for streams, {@code
 * OPENAI_STREAM_IDLE_TIMEOUT}.
 *
 * <p>Also the building block for other providers that speak OpenAI's wire protocol, such as
 * Azure OpenAI: {@link dev.openaiconnector.openai.OpenAiCompatible}, configured with {@link
 * dev.openaiconnector.openai.Endpoints} (where each call goes) and {@link
 * dev.openaiconnector.openai.Authentication} (how it authenticates). Everything else in this
 * module is {@code internal} and not for use outside it.
 */
@NullMarked
package dev.openaiconnector.openai;

import org.jspecify.annotations.NullMarked;
