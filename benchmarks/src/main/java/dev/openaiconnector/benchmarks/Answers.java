package dev.openaiconnector.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * What the {@link LoopbackServer} answers in the ratio benchmarks, built once per fork, and what
 * both clients must read from it. The bodies are shaped like OpenAI's (pretty-printed plain
 * answers, one HTTP chunk per stream event, the usual headers), so each client parses what it
 * would parse in production.
 *
 * <p>Routes, chosen by the base path both clients of a benchmark are given (the request is the
 * same on both sides, which {@link Fixture#checkSameRequests} checks):
 *
 * <ul>
 *   <li>{@code /chat/v1/chat/completions}: {@link #CHAT_CONTENT};
 *   <li>{@code /stream/v1/chat/completions}: the 50-event stream of {@link StreamBodies};
 *   <li>{@code /tools/v1/chat/completions}: the call of {@code get_weather}, or the weather answer
 *       when the request carries a {@code "role":"tool"} message;
 *   <li>{@code /v1/embeddings}: 256 vectors of 1536 floats, base64; {@code /float/v1/embeddings}:
 *       the same vectors as JSON numbers.
 * </ul>
 */
final class Answers {
  /** The model every request names. */
  static final String MODEL = "gpt-4o-mini";

  /** The system message of the chat requests. */
  static final String SYSTEM = "You are a terse assistant for a parcel delivery company.";

  /** The user message of the chat requests. */
  static final String USER =
      "A customer asks whether a parcel that arrived damaged can be refunded. Answer in two"
          + " sentences.";

  /** The content of the plain chat answer. */
  static final String CHAT_CONTENT =
      "Yes: a parcel that arrived damaged is refunded in full once the customer sends a photo of"
          + " the damage within 14 days. The refund reaches the original payment method within"
          + " five working days.";

  /** The tokens of the plain chat answer: prompt, completion, total. */
  static final long[] CHAT_TOKENS = {41, 38, 79};

  /** The user message of the tool-loop requests. */
  static final String TOOL_USER = "What is the weather in Paris right now?";

  /** The arguments the model writes for {@code get_weather}. */
  static final String TOOL_ARGUMENTS = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

  /** The id of the tool call. */
  static final String TOOL_CALL_ID = "call_Xk4rT0q9m2VbN8sLpQ1wZ7eA";

  /** The content of the answer after the tool ran. */
  static final String TOOL_FINAL_CONTENT = "It is 18 °C and partly cloudy in Paris right now.";

  /** The vectors of the embeddings answers. */
  static final int VECTORS = 256;

  private static final byte[] TOOL_RESULT_MARK = bytes("\"role\":\"tool\"");

  final byte[] chat;
  final byte[] toolCall;
  final byte[] toolFinal;
  final byte[] stream;
  final byte[] embeddingsBase64;
  final byte[] embeddingsFloat;

  private Answers(boolean embeddings) {
    chat = LoopbackServer.response(200, "application/json", bytes(chatBody()));
    toolCall = LoopbackServer.response(200, "application/json", bytes(toolCallBody()));
    toolFinal = LoopbackServer.response(200, "application/json", bytes(toolFinalBody()));
    String[] events = StreamBodies.events();
    byte[][] chunks = new byte[events.length][];
    for (int i = 0; i < events.length; i++) {
      chunks[i] = bytes(events[i]);
    }
    stream = LoopbackServer.chunkedResponse("text/event-stream; charset=utf-8", chunks);
    embeddingsBase64 =
        embeddings
            ? LoopbackServer.response(
                200, "application/json", EmbeddingBodies.base64Body(0, VECTORS))
            : new byte[0];
    embeddingsFloat =
        embeddings
            ? LoopbackServer.response(
                200, "application/json", EmbeddingBodies.floatJsonBody(0, VECTORS))
            : new byte[0];
  }

  /**
   * The chat, stream and tool answers.
   *
   * @return the answers
   */
  static Answers chat() {
    return new Answers(false);
  }

  /**
   * Every answer, the two embeddings bodies (2 and 5 MB) included.
   *
   * @return the answers
   */
  static Answers all() {
    return new Answers(true);
  }

  /**
   * Starts a server that answers with these.
   *
   * @return the running server
   */
  LoopbackServer serve() {
    return LoopbackServer.start(this::answer);
  }

  // By path, so that choosing costs nothing; only the tool loop's two calls need a look at the body.
  private byte[] answer(String path, byte[] body, int length) {
    if (path.startsWith("/chat/")) {
      return chat;
    }
    if (path.startsWith("/stream/")) {
      return stream;
    }
    if (path.startsWith("/tools/")) {
      return LoopbackServer.contains(body, length, TOOL_RESULT_MARK) ? toolFinal : toolCall;
    }
    if (path.equals("/v1/embeddings")) {
      return embeddingsBase64;
    }
    if (path.equals("/float/v1/embeddings")) {
      return embeddingsFloat;
    }
    throw new IllegalStateException("no answer for " + path);
  }

  static String chatBody() {
    return "{\n"
        + "  \"id\": \"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\n"
        + "  \"object\": \"chat.completion\",\n"
        + "  \"created\": 1741569952,\n"
        + "  \"model\": \"gpt-4o-mini-2024-07-18\",\n"
        + "  \"choices\": [\n"
        + "    {\n"
        + "      \"index\": 0,\n"
        + "      \"message\": {\n"
        + "        \"role\": \"assistant\",\n"
        + "        \"content\": \"" + CHAT_CONTENT + "\",\n"
        + "        \"refusal\": null,\n"
        + "        \"annotations\": []\n"
        + "      },\n"
        + "      \"logprobs\": null,\n"
        + "      \"finish_reason\": \"stop\"\n"
        + "    }\n"
        + "  ],\n"
        + usage(CHAT_TOKENS)
        + "  \"service_tier\": \"default\",\n"
        + "  \"system_fingerprint\": \"fp_06737a9306\"\n"
        + "}\n";
  }

  private static String toolCallBody() {
    return "{\n"
        + "  \"id\": \"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\n"
        + "  \"object\": \"chat.completion\",\n"
        + "  \"created\": 1741570283,\n"
        + "  \"model\": \"gpt-4o-mini-2024-07-18\",\n"
        + "  \"choices\": [\n"
        + "    {\n"
        + "      \"index\": 0,\n"
        + "      \"message\": {\n"
        + "        \"role\": \"assistant\",\n"
        + "        \"content\": null,\n"
        + "        \"tool_calls\": [\n"
        + "          {\n"
        + "            \"id\": \"" + TOOL_CALL_ID + "\",\n"
        + "            \"type\": \"function\",\n"
        + "            \"function\": {\n"
        + "              \"name\": \"get_weather\",\n"
        + "              \"arguments\": \"" + TOOL_ARGUMENTS.replace("\"", "\\\"") + "\"\n"
        + "            }\n"
        + "          }\n"
        + "        ],\n"
        + "        \"refusal\": null,\n"
        + "        \"annotations\": []\n"
        + "      },\n"
        + "      \"logprobs\": null,\n"
        + "      \"finish_reason\": \"tool_calls\"\n"
        + "    }\n"
        + "  ],\n"
        + usage(new long[] {82, 18, 100})
        + "  \"service_tier\": \"default\",\n"
        + "  \"system_fingerprint\": \"fp_06737a9306\"\n"
        + "}\n";
  }

  private static String toolFinalBody() {
    return chatBody()
        .replace(CHAT_CONTENT, TOOL_FINAL_CONTENT)
        .replace(usage(CHAT_TOKENS), usage(new long[] {121, 14, 135}));
  }

  private static String usage(long[] tokens) {
    return "  \"usage\": {\n"
        + "    \"prompt_tokens\": " + tokens[0] + ",\n"
        + "    \"completion_tokens\": " + tokens[1] + ",\n"
        + "    \"total_tokens\": " + tokens[2] + ",\n"
        + "    \"prompt_tokens_details\": {\n"
        + "      \"cached_tokens\": 0,\n"
        + "      \"audio_tokens\": 0\n"
        + "    },\n"
        + "    \"completion_tokens_details\": {\n"
        + "      \"reasoning_tokens\": 0,\n"
        + "      \"audio_tokens\": 0,\n"
        + "      \"accepted_prediction_tokens\": 0,\n"
        + "      \"rejected_prediction_tokens\": 0\n"
        + "    }\n"
        + "  },\n";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
