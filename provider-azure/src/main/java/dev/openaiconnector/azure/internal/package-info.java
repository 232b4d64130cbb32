/** The Azure provider's implementation; not an API. */
@NullMarked
package dev.openaiconnector.azure.internal;

import org.jspecify.annotations.NullMarked;
