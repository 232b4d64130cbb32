/**
 * The application API: {@link dev.openaiconnector.api.Connector}, the request and response
 * types, sessions, usage and the exception hierarchy.
 *
 * <p>Start from {@code Connectors.builder()} or {@code Connectors.fromEnvironment()} in the core
 * module. Every type here is either an immutable value or documents its thread-safety.
 */
@NullMarked
package dev.openaiconnector.api;

import org.jspecify.annotations.NullMarked;
