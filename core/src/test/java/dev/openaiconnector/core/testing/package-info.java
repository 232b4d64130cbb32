/**
 * Test support for the core's tests: provider factories to discover, a class loader that registers
 * them, and an SLF4J provider that captures log events.
 */
@NullMarked
package dev.openaiconnector.core.testing;

import org.jspecify.annotations.NullMarked;
