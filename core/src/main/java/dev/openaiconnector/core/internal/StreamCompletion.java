package dev.openaiconnector.core.internal;

import dev.openaiconnector.api.ChatResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the owner of a stream (a session) learns about its end: the assembled answer once the whole
 * stream succeeded, and the end itself, however it came.
 */
interface StreamCompletion {
  /** Learns nothing: the completion of a stream without an owner. */
  StreamCompletion NONE =
      new StreamCompletion() {
        @Override
        public void succeeded(ChatResponse response) {}

        @Override
        public void ended() {}
      };

  /**
   * Takes the whole answer, on the reading thread, before the stream reports its end to the
   * reader. An exception fails the stream: the reader gets it instead of the end.
   *
   * @param response the assembled answer; with tools, carrying every round and the summed usage
   */
  void succeeded(ChatResponse response);

  /**
   * Learns that the stream ended: after {@link #succeeded}, after a failure (also a failure to
   * open), or when it was closed, then on the closing thread. Must not throw.
   */
  void ended();

  /**
   * Wraps a completion so that {@link #ended()} reaches it once, however often it is called.
   *
   * @param completion the completion
   * @return the guarded completion
   */
  static StreamCompletion once(StreamCompletion completion) {
    Objects.requireNonNull(completion, "completion");
    AtomicBoolean ended = new AtomicBoolean();
    return new StreamCompletion() {
      @Override
      public void succeeded(ChatResponse response) {
        completion.succeeded(response);
      }

      @Override
      public void ended() {
        if (ended.compareAndSet(false, true)) {
          completion.ended();
        }
      }
    };
  }
}
