/** The OpenAI wire protocol: Feign interface, Jackson DTOs, mapping. Not an API. */
@NullMarked
package dev.openaiconnector.openai.internal;

import org.jspecify.annotations.NullMarked;
