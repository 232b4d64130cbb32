package dev.openaiconnector.api;

import java.util.Objects;

/**
 * A key, token or client secret. Its {@link #toString()} never shows the value, so a secret can
 * sit in a configuration object that gets logged without leaking.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a secret value.
   *
   * @param value the secret; must not be blank
   * @return the wrapped secret
   * @throws IllegalArgumentException if {@code value} is blank
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a secret must not be blank");
    }
    return new Secret(value.strip());
  }

  /**
   * Returns the secret value, for the one place that must send it (an HTTP header).
   *
   * @return the secret value
   */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret && ((Secret) other).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }
}
