package dev.openaiconnector.core.internal;

import java.lang.ref.Cleaner;

/**
 * The core's one {@link Cleaner}: gives back what an object held when the application let it
 * become unreachable without closing it. Its thread ({@code openai-connector-cleaner}) is a daemon,
 * started with the first stream, and shared by every connector. Its actions must be short and
 * must not throw: one slow action delays all the others.
 */
final class CoreCleaner {
  /** The cleaner. */
  static final Cleaner CLEANER = Cleaner.create(CoreCleaner::newThread);

  private CoreCleaner() {}

  private static Thread newThread(Runnable cleaning) {
    Thread thread = new Thread(cleaning, "openai-connector-cleaner");
    thread.setDaemon(true);
    // The thread outlives every connector: it must not keep the class loader of whichever
    // application happened to open the first stream (a redeployed web application's, say).
    thread.setContextClassLoader(null);
    return thread;
  }
}
