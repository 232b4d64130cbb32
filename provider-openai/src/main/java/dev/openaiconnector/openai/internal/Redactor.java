package dev.openaiconnector.openai.internal;

import dev.openaiconnector.api.Secret;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes secrets from text that may reach an exception message or a log: the configured API key
 * itself (an OpenAI-compatible server may use any key format), anything shaped like an OpenAI key
 * ({@code sk-...}, which OpenAI quotes masked in its 401 message), {@code Bearer} tokens, and
 * JSON Web Tokens wherever they stand (the access tokens of Microsoft Entra ID and other token
 * servers, which a server may quote without the {@code Bearer} prefix). Thread-safe.
 */
public final class Redactor {
  // A key this short is no secret, and replacing it everywhere would garble the text.
  private static final int MIN_LITERAL_LENGTH = 4;
  // Only at the start of a token: "task-force" is no key.
  private static final Pattern KEY_LIKE =
      Pattern.compile("(?<![A-Za-z0-9_\\-])sk-[A-Za-z0-9_*\\-]{4,}");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=\\-]+");
  // A JWT: a base64url header that starts with {"  (eyJ), a payload and an optional signature.
  private static final Pattern JWT =
      Pattern.compile(
          "(?<![A-Za-z0-9_\\-])eyJ[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]*");

  /** Redacts key-like strings, bearer tokens and JWTs only. */
  public static final Redactor NO_KEY = new Redactor(null);

  private final @Nullable String key;
  private final String keyMask;

  /**
   * Creates a redactor for a configured key.
   *
   * @param key the configured API key, or null for none
   */
  public Redactor(@Nullable Secret key) {
    String value = key == null ? null : key.reveal();
    this.key = value != null && value.length() >= MIN_LITERAL_LENGTH ? value : null;
    // The same mask as a key-like string gets, so a message reads the same either way.
    this.keyMask = value != null && value.startsWith("sk-") ? "sk-***" : "***";
  }

  /**
   * Returns the text without secrets.
   *
   * @param text the text
   * @return the text with each secret replaced by {@code ***} ({@code sk-***} for an OpenAI key)
   */
  public String redact(String text) {
    String out = key != null && text.contains(key) ? text.replace(key, keyMask) : text;
    out = KEY_LIKE.matcher(out).replaceAll("sk-***");
    if (out.indexOf("eyJ") >= 0) {
      out = JWT.matcher(out).replaceAll("***");
    }
    return BEARER.matcher(out).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return "Redactor[" + (key == null ? "no key" : "key ****") + "]";
  }
}
