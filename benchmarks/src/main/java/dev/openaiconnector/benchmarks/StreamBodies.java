package dev.openaiconnector.benchmarks;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The event stream the benchmarks read, built once. */
final class StreamBodies {
  private static final String[] TOKENS = {
    " Stream", "ing", " hands", " on", " each", " piece", " of", " the", " answer", " as",
    " soon", " as", " it", " arrives", ",", " so", " a", " user", " sees", " text",
    " within", " a", " few", " hundred", " milli", "seconds", " instead", " of", " waiting",
    " for", " the", " whole", " reply", ".", " It", " also", " carries", " \\\"quotes\\\"",
    " and", " caf\\u00e9", " é", "\\n\\n", "1", ".", " Done", "!", " 🎉"
  };

  private StreamBodies() {}

  /**
   * A role chunk, 47 content chunks, a finish chunk and a usage chunk, as OpenAI sends them with
   * {@code stream_options.include_usage}; then {@code data: [DONE]}.
   *
   * @return the stream as UTF-8 bytes
   */
  static byte[] fiftyEvents() {
    StringBuilder all = new StringBuilder();
    for (String event : events()) {
      all.append(event);
    }
    return all.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The same stream as {@link #fiftyEvents()}, one string per event (each ending with its blank
   * line), {@code data: [DONE]} last: what a server sends as one HTTP chunk each.
   *
   * @return the 51 events
   */
  static String[] events() {
    String[] events = new String[TOKENS.length + 4];
    int i = 0;
    events[i++] = event(chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null));
    for (String token : TOKENS) {
      events[i++] = event(chunk("{\"content\":\"" + token + "\"}", null));
    }
    events[i++] = event(chunk("{}", "stop"));
    events[i++] =
        event(
            "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1732000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[],\"usage\":{"
                + "\"prompt_tokens\":19,\"completion_tokens\":47,\"total_tokens\":66,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");
    events[i++] = "data: [DONE]\n\n";
    if (i - 1 != StreamParsingBenchmark.EVENTS) {
      throw new IllegalStateException(
          "the stream must have " + StreamParsingBenchmark.EVENTS + " events");
    }
    return events;
  }

  private static String chunk(String delta, @Nullable String finishReason) {
    return "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1732000000,\"model\":\"gpt-4o-mini-2024-07-18\","
        + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_0ba0d124f1\","
        + "\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"logprobs\":null,\"finish_reason\":"
        + (finishReason == null ? "null" : "\"" + finishReason + "\"")
        + "}],\"usage\":null}";
  }

  private static String event(String data) {
    return "data: " + data + "\n\n";
  }
}
