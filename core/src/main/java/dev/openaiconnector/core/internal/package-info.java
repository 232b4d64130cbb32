/**
 * The core's implementation: provider discovery, the connector, the tool-calling loop, chat
 * sessions and their memory, embeddings batching, usage accounting, JSON Schemas from Java types,
 * tool arguments and structured output. Not an API: anything here may change in any release.
 */
@NullMarked
package dev.openaiconnector.core.internal;

import org.jspecify.annotations.NullMarked;
