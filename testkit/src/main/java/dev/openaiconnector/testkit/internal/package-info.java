/**
 * Implementation details of the testkit: a small JSON reader and writer. Not an API; may change
 * in any release.
 */
@NullMarked
package dev.openaiconnector.testkit.internal;

import org.jspecify.annotations.NullMarked;
