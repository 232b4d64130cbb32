/** The Azure OpenAI provider: URL layouts, api-key and Microsoft Entra ID authentication. */
@NullMarked
package dev.openaiconnector.azure;

import org.jspecify.annotations.NullMarked;
