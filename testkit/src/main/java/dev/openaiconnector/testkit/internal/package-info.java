/**
 * Implementation details of the testkit: a small JSON reader and writer, the deterministic
 * vectors and image shared by the fake server and the fake ports, and the reflective wiring of a
 * {@code Connector} for the JUnit extension. Not an API; may change in any release.
 */
@NullMarked
package dev.openaiconnector.testkit.internal;

import org.jspecify.annotations.NullMarked;
