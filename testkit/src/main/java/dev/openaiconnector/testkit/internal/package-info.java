/**
 * Implementation details of the testkit: a small JSON reader and writer, and the deterministic
 * vectors and image shared by the fake server and the fake ports. Not an API; may change in any
 * release.
 */
@NullMarked
package dev.openaiconnector.testkit.internal;

import org.jspecify.annotations.NullMarked;
