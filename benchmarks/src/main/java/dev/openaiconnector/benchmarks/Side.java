package dev.openaiconnector.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Which client a paired benchmark method calls during an iteration: the library or the reference.
 *
 * <p>By default ({@code side=alternating}) both run in the same JVM, taking turns one iteration at
 * a time in the order library, reference, reference, library, and again: each side comes first in
 * every other pair, so a machine that gets steadily slower or faster moves both alike. Why: on
 * this project's two-core development machine the same jar ran the same benchmark at 424 us in one
 * JVM and at 252 us in the next, a few minutes apart, and a ratio taken between two JVMs carried
 * that drift. Iteration {@code i} (counted from 0 within the warmup and again within the
 * measurement) is the library's when {@link #isLibrary(int)} says so; {@link Ratios} reads the
 * iterations back by the same rule.
 *
 * <p>{@code -p side=library} or {@code -p side=reference} runs one side alone, for a profile.
 */
@State(Scope.Benchmark)
public class Side {
  /** {@code alternating} (the default), {@code library} or {@code reference}. */
  @Param("alternating")
  public String side;

  /** Whether the library runs in this iteration. */
  boolean library;

  private IterationType phase;
  private int iteration;

  /**
   * Chooses the side of the iteration about to start.
   *
   * @param params the iteration's warmup or measurement phase
   */
  @Setup(Level.Iteration)
  public void next(IterationParams params) {
    if (params.getType() != phase) {
      phase = params.getType();
      iteration = 0;
    }
    switch (side) {
      case "alternating":
        library = isLibrary(iteration);
        break;
      case "library":
        library = true;
        break;
      case "reference":
        library = false;
        break;
      default:
        throw new IllegalArgumentException(
            "side must be alternating, library or reference, not " + side);
    }
    iteration++;
  }

  /**
   * Whether iteration {@code i} of a phase is the library's when the sides alternate.
   *
   * @param i the iteration, from 0
   * @return true for the library, false for the reference
   */
  static boolean isLibrary(int i) {
    int inFour = i % 4;
    return inFour == 0 || inFour == 3;
  }
}
