package dev.openaiconnector.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * The log events of the core, captured by {@link CapturingLoggerProvider} (registered as the SLF4J
 * provider of the test class path) so that tests can check what is logged and what is not.
 */
public final class LogCapture {
  private static final List<LoggedEvent> EVENTS = new CopyOnWriteArrayList<>();

  private LogCapture() {}

  /** Forgets the events captured so far. */
  public static void clear() {
    EVENTS.clear();
  }

  /**
   * Returns the events captured since the last {@link #clear()}.
   *
   * @return a copy, oldest first
   */
  public static List<LoggedEvent> events() {
    return List.copyOf(EVENTS);
  }

  /**
   * Returns the events of one level.
   *
   * @param level the level
   * @return a copy, oldest first
   */
  public static List<LoggedEvent> events(Level level) {
    List<LoggedEvent> selected = new ArrayList<>();
    for (LoggedEvent event : EVENTS) {
      if (event.level() == level) {
        selected.add(event);
      }
    }
    return selected;
  }

  static void add(LoggedEvent event) {
    EVENTS.add(event);
  }

  /**
   * One log event, its message formatted.
   *
   * @param level the level
   * @param logger the logger's name
   * @param message the formatted message
   * @param throwable the attached throwable, or null
   */
  public record LoggedEvent(
      Level level, String logger, String message, @Nullable Throwable throwable) {
    /**
     * Returns everything the event would print: the message and the attached throwable with its
     * causes.
     *
     * @return the text
     */
    public String fullText() {
      StringBuilder text = new StringBuilder(message);
      for (Throwable t = throwable; t != null; t = t.getCause()) {
        text.append('\n').append(t);
      }
      return text.toString();
    }
  }
}
