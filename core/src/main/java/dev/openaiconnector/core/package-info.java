/**
 * The entry point of the library: {@link dev.openaiconnector.core.Connectors} builds a {@link
 * dev.openaiconnector.api.Connector} over the provider found on the class path or given explicitly.
 *
 * <pre>{@code
 * try (Connector ai = Connectors.fromEnvironment()) {
 *   ChatResponse answer = ai.chat(ChatRequest.builder()
 *       .model("gpt-4o-mini").user("Say hello").build());
 * }
 * }</pre>
 */
@NullMarked
package dev.openaiconnector.core;

import org.jspecify.annotations.NullMarked;
