package dev.openaiconnector.core.testing;

import dev.openaiconnector.core.internal.ResilientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sleeper that records each wait instead of sleeping, or fails it as an interrupt would. */
public final class RecordingSleeper implements ResilientCalls.Sleeper {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private volatile boolean interrupting;

  /**
   * Makes every later wait throw {@link InterruptedException}, as a sleep does when the thread is
   * interrupted.
   *
   * @return this sleeper
   */
  public RecordingSleeper interrupting() {
    interrupting = true;
    return this;
  }

  @Override
  public void sleep(Duration wait) throws InterruptedException {
    waits.add(wait);
    if (interrupting) {
      throw new InterruptedException("test");
    }
  }

  /**
   * Returns the waits asked for so far.
   *
   * @return a copy, oldest first
   */
  public List<Duration> waits() {
    return List.copyOf(waits);
  }
}
