/**
 * The provider SPI: what a provider implements so that the core can drive it.
 *
 * <p>A provider registers a {@link dev.openaiconnector.spi.ProviderFactory} in {@code
 * META-INF/services/dev.openaiconnector.spi.ProviderFactory}. The factory creates a {@link
 * dev.openaiconnector.spi.Provider}, which exposes one port per operation. A port performs exactly
 * one remote call and maps failures to the exceptions of {@code dev.openaiconnector.api}; it never
 * retries, loops over tool calls or batches. That is the core's job, so every provider gets it.
 */
@NullMarked
package dev.openaiconnector.spi;

import org.jspecify.annotations.NullMarked;
