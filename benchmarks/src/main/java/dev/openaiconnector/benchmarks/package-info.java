/** JMH benchmarks of the hot paths; run by hand, never by the build (see the module's README). */
@NullMarked
package dev.openaiconnector.benchmarks;

import org.jspecify.annotations.NullMarked;
