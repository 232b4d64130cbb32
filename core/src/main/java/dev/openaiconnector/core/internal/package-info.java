/**
 * The core's implementation: provider discovery, the connector, chat sessions and their memory, and
 * usage accounting. Not an API: anything here may change in any release.
 */
@NullMarked
package dev.openaiconnector.core.internal;

import org.jspecify.annotations.NullMarked;
