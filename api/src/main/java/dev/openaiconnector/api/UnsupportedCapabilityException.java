package dev.openaiconnector.api;

/**
 * The request needs a capability the provider did not declare, for example images in a chat with
 * a provider without vision. Thrown before any network call, instead of silently dropping the
 * option.
 */
public class UnsupportedCapabilityException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param providerId the provider that lacks the capability
   * @param capability what the request needs, for example {@code VISION}
   * @param hint what the caller can do instead
   */
  public UnsupportedCapabilityException(String providerId, String capability, String hint) {
    super(
        "Provider '" + providerId + "' does not support " + capability + "; " + hint,
        ErrorDetails.ofProvider(providerId),
        null);
  }
}
