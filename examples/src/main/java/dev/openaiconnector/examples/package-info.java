/** Runnable examples of the connector. */
@NullMarked
package dev.openaiconnector.examples;

import org.jspecify.annotations.NullMarked;
