package dev.openaiconnector.openai;

import dev.openaiconnector.api.Secret;
import java.util.function.BiConsumer;

/**
 * One header that carries a secret, from {@link Authentication#header}. A class of its own so that
 * {@link OpenAiCompatible} can hand the secret to the redactor of error messages and wire logs:
 * a server may quote the key it refused.
 */
final class HeaderAuthentication implements Authentication {
  private final String name;
  private final String value;
  private final Secret secret;

  HeaderAuthentication(String name, String prefix, Secret secret) {
    this.name = name;
    // Built once: a static key is the same on every request.
    this.value = prefix + secret.reveal();
    this.secret = secret;
  }

  Secret secret() {
    return secret;
  }

  @Override
  public void addHeaders(BiConsumer<String, String> header) {
    header.accept(name, value);
  }

  @Override
  public String toString() {
    return "Authentication[" + name + ": ****]";
  }
}
