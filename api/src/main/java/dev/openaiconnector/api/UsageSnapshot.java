package dev.openaiconnector.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * Returns the usage between an earlier snapshot of the same connector and this one: for each
   * provider, model and operation, the calls and tokens counted since, leaving out those with
   * none. Usage only grows, so the earlier snapshot is never larger in anything.
   *
   * <pre>{@code
   * UsageSnapshot before = ai.usage().snapshot();
   * runStep(ai);
   * TokenUsage step = ai.usage().snapshot().since(before).total();
   * }</pre>
   *
   * @param earlier a snapshot of the same connector, taken before this one
   * @return the usage in between
   * @throws IllegalArgumentException if {@code earlier} has an entry this snapshot lacks or
   *     exceeds, which happens only when it was taken later or from another connector
   */
  public UsageSnapshot since(UsageSnapshot earlier) {
    Objects.requireNonNull(earlier, "earlier");
    Map<Key, Entry> before = new HashMap<>();
    for (Entry entry : earlier.entries) {
      before.merge(Key.of(entry), entry, Entry::plus);
    }
    List<Entry> between = new ArrayList<>();
    for (Entry entry : entries) {
      Entry old = before.remove(Key.of(entry));
      Entry change = old == null ? entry : entry.minus(old);
      if (change.calls() != 0 || !change.usage().equals(TokenUsage.ZERO)) {
        between.add(change);
      }
    }
    if (!before.isEmpty()) {
      Key missing = before.keySet().iterator().next();
      throw new IllegalArgumentException(
          "the earlier snapshot has usage of "
              + missing
              + " that this one lacks: pass a snapshot of the same connector taken before this"
              + " one");
    }
    return new UsageSnapshot(between);
  }

  private record Key(String providerId, String model, Operation operation) {
    static Key of(Entry entry) {
      return new Key(entry.providerId(), entry.model(), entry.operation());
    }

    @Override
    public String toString() {
      return providerId + " " + model + " " + operation;
    }
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

    private Entry plus(Entry other) {
      return new Entry(providerId, model, operation, calls + other.calls, usage.plus(other.usage));
    }

    private Entry minus(Entry earlier) {
      if (earlier.calls > calls) {
        throw new IllegalArgumentException(
            "the earlier snapshot has more calls of "
                + providerId
                + " "
                + model
                + " "
                + operation
                + " than this one: pass a snapshot of the same connector taken before this one");
      }
      return new Entry(
          providerId, model, operation, calls - earlier.calls, usage.minus(earlier.usage));
    }
  }
}
