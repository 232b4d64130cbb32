/** The whole stack against the testkit's fake server. */
@NullMarked
package dev.openaiconnector.integration;

import org.jspecify.annotations.NullMarked;
