/** The OpenAI wire protocol: the REST operations over the JDK client, Jackson DTOs, mapping. Not an API. */
@NullMarked
package dev.openaiconnector.openai.internal;

import org.jspecify.annotations.NullMarked;
