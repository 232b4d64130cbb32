package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.Operation;
import dev.openaiconnector.api.TokenUsage;
import dev.openaiconnector.api.UsageSnapshot;
import dev.openaiconnector.api.UsageTracker;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sums usage per provider, model and operation.
 *
 * <p>Thread-safe without a global lock: each key is updated atomically by the map, so concurrent
 * calls add up exactly and every entry of a snapshot is consistent in itself (calls and tokens from
 * the same set of calls).
 */
public final class UsageAccumulator implements UsageTracker {
  private final ConcurrentHashMap<Key, UsageSnapshot.Entry> entries = new ConcurrentHashMap<>();

  /** Creates an accumulator with nothing counted. */
  public UsageAccumulator() {}

  /**
   * Adds one successful call.
   *
   * @param providerId the provider that served it
   * @param model the model the request named
   * @param operation the kind of call
   * @param usage the tokens it used
   */
  public void record(String providerId, String model, Operation operation, TokenUsage usage) {
    Objects.requireNonNull(usage, "usage");
    entries.merge(
        new Key(providerId, model, operation),
        new UsageSnapshot.Entry(providerId, model, operation, 1, usage),
        UsageAccumulator::add);
  }

  @Override
  public UsageSnapshot snapshot() {
    return new UsageSnapshot(new ArrayList<>(entries.values()));
  }

  @Override
  public void reset() {
    entries.clear();
  }

  @Override
  public String toString() {
    return "UsageTracker[entries=" + entries.size() + "]";
  }

  private static UsageSnapshot.Entry add(UsageSnapshot.Entry sum, UsageSnapshot.Entry call) {
    return new UsageSnapshot.Entry(
        sum.providerId(),
        sum.model(),
        sum.operation(),
        sum.calls() + call.calls(),
        sum.usage().plus(call.usage()));
  }

  private record Key(String providerId, String model, Operation operation) {}
}
