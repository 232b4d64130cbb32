/**
 * Checks JSON documents against the official API descriptions, for the build's own tests:
 * {@link dev.openaiconnector.conformance.OpenApiSpec}.
 *
 * <p>The descriptions are read from the folder named by the system property {@code openapi.dir}
 * (the build passes {@code ../shared/openapi}). Without it, conformance tests are skipped, except
 * on CI ({@code CI=true}) where they fail.
 */
@NullMarked
package dev.openaiconnector.conformance;

import org.jspecify.annotations.NullMarked;
