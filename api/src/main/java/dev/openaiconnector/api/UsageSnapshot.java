package dev.openaiconnector.api;

import java.util.List;
import java.util.Objects;

/**
 * Usage summed since the connector was built, per provider, model and operation.
 *
 * @param entries one entry per provider, model and operation seen, in no particular order
 */
public record UsageSnapshot(List<Entry> entries) {
  /** Copies the entries. */
  public UsageSnapshot {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
  }

  /**
   * Returns the usage over every entry.
   *
   * @return the total
   */
  public TokenUsage total() {
    return entries.stream().map(Entry::usage).reduce(TokenUsage.ZERO, TokenUsage::plus);
  }

  /**
   * Returns the usage of one model, over every operation.
   *
   * @param model the model id as requests named it
   * @return the usage; {@link TokenUsage#ZERO} if the model was not used
   */
  public TokenUsage forModel(String model) {
    return entries.stream()
        .filter(entry -> entry.model().equals(model))
        .map(Entry::usage)
        .reduce(TokenUsage.ZERO, TokenUsage::plus);
  }

  /**
   * Returns the usage of one operation, over every model.
   *
   * @param operation the operation
   * @return the usage; {@link TokenUsage#ZERO} if the operation was not used
   */
  public TokenUsage forOperation(Operation operation) {
    return entries.stream()
        .filter(entry -> entry.operation() == operation)
        .map(Entry::usage)
        .reduce(TokenUsage.ZERO, TokenUsage::plus);
  }

  /**
   * Returns the number of successful calls over every entry.
   *
   * @return the call count
   */
  public long calls() {
    return entries.stream().mapToLong(Entry::calls).sum();
  }

  /**
   * Usage of one provider, model and operation.
   *
   * @param providerId the provider
   * @param model the model as requests named it
   * @param operation the operation
   * @param calls the number of successful calls
   * @param usage the tokens summed over those calls
   */
  public record Entry(
      String providerId, String model, Operation operation, long calls, TokenUsage usage) {
    /** Checks the components are present. */
    public Entry {
      Objects.requireNonNull(providerId, "providerId");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(usage, "usage");
    }
  }
}
