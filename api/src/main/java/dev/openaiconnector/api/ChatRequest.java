package dev.openaiconnector.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A chat completion request: the model, the conversation, and the sampling options.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} checks every field before any network call
 * and reports all problems at once in a {@link RequestValidationException}. Options left unset are
 * not sent, so the provider's defaults apply.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .model("gpt-4o-mini")
 *     .system("You are terse.")
 *     .user("Summarise: ...")
 *     .maxTokens(200)
 *     .build();
 * }</pre>
 */
public final class ChatRequest {
  private final String model;
  private final List<ChatMessage> messages;
  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Integer maxTokens;
  private final @Nullable Double frequencyPenalty;
  private final @Nullable Double presencePenalty;
  private final List<String> stop;
  private final @Nullable Long seed;
  private final @Nullable Integer n;
  private final @Nullable String endUserId;
  private final ResponseFormat responseFormat;
  private final List<Tool> tools;
  private final @Nullable ToolChoice toolChoice;
  private final @Nullable Boolean parallelToolCalls;
  private final @Nullable Duration timeout;
  private final @Nullable Integer maxRetries;

  private ChatRequest(Builder builder) {
    this.model = builder.model.strip();
    this.messages = List.copyOf(builder.messages);
    this.temperature = builder.temperature;
    this.topP = builder.topP;
    this.maxTokens = builder.maxTokens;
    this.frequencyPenalty = builder.frequencyPenalty;
    this.presencePenalty = builder.presencePenalty;
    this.stop = List.copyOf(builder.stop);
    this.seed = builder.seed;
    this.n = builder.n;
    this.endUserId = builder.endUserId;
    this.responseFormat = builder.responseFormat;
    this.tools = List.copyOf(builder.tools);
    this.toolChoice = builder.toolChoice;
    this.parallelToolCalls = builder.parallelToolCalls;
    this.timeout = builder.timeout;
    this.maxRetries = builder.maxRetries;
  }

  /**
   * Starts a request.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this request's values, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.model = model;
    builder.messages.addAll(messages);
    builder.temperature = temperature;
    builder.topP = topP;
    builder.maxTokens = maxTokens;
    builder.frequencyPenalty = frequencyPenalty;
    builder.presencePenalty = presencePenalty;
    builder.stop.addAll(stop);
    builder.seed = seed;
    builder.n = n;
    builder.endUserId = endUserId;
    builder.responseFormat = responseFormat;
    builder.tools.addAll(tools);
    builder.toolChoice = toolChoice;
    builder.parallelToolCalls = parallelToolCalls;
    builder.timeout = timeout;
    builder.maxRetries = maxRetries;
    return builder;
  }

  /**
   * Returns a copy with another response format.
   *
   * @param format the response format
   * @return the changed copy
   */
  public ChatRequest withResponseFormat(ResponseFormat format) {
    return toBuilder().responseFormat(format).build();
  }

  /**
   * Returns the model id, for example {@code gpt-4o-mini} (for Azure, the deployment name).
   *
   * @return the model id; never blank
   */
  public String model() {
    return model;
  }

  /**
   * Returns the conversation, oldest first.
   *
   * @return the messages; never empty
   */
  public List<ChatMessage> messages() {
    return messages;
  }

  /**
   * Returns the sampling temperature, 0 to 2.
   *
   * @return the temperature, or null for the provider's default
   */
  public @Nullable Double temperature() {
    return temperature;
  }

  /**
   * Returns the nucleus sampling mass, 0 to 1.
   *
   * @return top_p, or null for the provider's default
   */
  public @Nullable Double topP() {
    return topP;
  }

  /**
   * Returns the upper bound of generated tokens, reasoning tokens included.
   *
   * @return the bound, or null for none
   */
  public @Nullable Integer maxTokens() {
    return maxTokens;
  }

  /**
   * Returns the frequency penalty, -2 to 2.
   *
   * @return the penalty, or null for the provider's default
   */
  public @Nullable Double frequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * Returns the presence penalty, -2 to 2.
   *
   * @return the penalty, or null for the provider's default
   */
  public @Nullable Double presencePenalty() {
    return presencePenalty;
  }

  /**
   * Returns the stop sequences.
   *
   * @return up to four sequences; empty for none
   */
  public List<String> stop() {
    return stop;
  }

  /**
   * Returns the seed for best-effort deterministic sampling.
   *
   * @return the seed, or null
   */
  public @Nullable Long seed() {
    return seed;
  }

  /**
   * Returns how many answers to generate.
   *
   * @return n, or null for one
   */
  public @Nullable Integer n() {
    return n;
  }

  /**
   * Returns the end-user id passed on for abuse monitoring.
   *
   * @return the user id, or null
   */
  public @Nullable String endUserId() {
    return endUserId;
  }

  /**
   * Returns the response format.
   *
   * @return the format; {@link ResponseFormat#text()} unless set
   */
  public ResponseFormat responseFormat() {
    return responseFormat;
  }

  /**
   * Returns the tools the model may call; the connector runs the calls and loops until the model
   * answers.
   *
   * @return the tools; empty for none
   */
  public List<Tool> tools() {
    return tools;
  }

  /**
   * Returns whether and which tool the model must call.
   *
   * @return the choice, or null for the provider's default ({@code auto} when there are tools)
   */
  public @Nullable ToolChoice toolChoice() {
    return toolChoice;
  }

  /**
   * Returns whether the model may ask for several tool calls in one answer.
   *
   * @return the flag, or null for the provider's default (true)
   */
  public @Nullable Boolean parallelToolCalls() {
    return parallelToolCalls;
  }

  /**
   * Returns this request's deadline, across every attempt, which replaces the connector's call
   * timeout. It is not sent to the provider.
   *
   * @return the timeout, or null for the connector's
   */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * Returns how many times this request may be retried after a retriable failure, which replaces
   * the connector's retry policy's limit. It is not sent to the provider.
   *
   * @return the number of retries, or null for the connector's
   */
  public @Nullable Integer maxRetries() {
    return maxRetries;
  }

  /**
   * Tells whether any user message holds an image.
   *
   * @return true if the request needs a vision-capable model
   */
  public boolean hasImages() {
    for (ChatMessage message : messages) {
      if (message instanceof UserMessage) {
        for (ContentPart part : ((UserMessage) message).parts()) {
          if (part instanceof ImagePart) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // Content is left out: prompts may hold personal data and must not reach logs.
  @Override
  public String toString() {
    return "ChatRequest[model="
        + model
        + ", messages="
        + messages.size()
        + ", responseFormat="
        + responseFormat.type().wireValue()
        + (tools.isEmpty() ? "" : ", tools=" + tools.size())
        + "]";
  }

  /** Builds a {@link ChatRequest}. Not thread-safe. */
  public static final class Builder {
    private String model = "";
    private final List<ChatMessage> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxTokens;
    private @Nullable Double frequencyPenalty;
    private @Nullable Double presencePenalty;
    private final List<String> stop = new ArrayList<>();
    private @Nullable Long seed;
    private @Nullable Integer n;
    private @Nullable String endUserId;
    private ResponseFormat responseFormat = ResponseFormat.text();
    private final List<Tool> tools = new ArrayList<>();
    private @Nullable ToolChoice toolChoice;
    private @Nullable Boolean parallelToolCalls;
    private @Nullable Duration timeout;
    private @Nullable Integer maxRetries;

    private Builder() {}

    /**
     * Sets the model id (for Azure, the deployment name).
     *
     * @param model the model id
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Replaces the conversation.
     *
     * @param messages the messages, oldest first
     * @return this builder
     */
    public Builder messages(List<? extends ChatMessage> messages) {
      Objects.requireNonNull(messages, "messages");
      this.messages.clear();
      messages.forEach(this::message);
      return this;
    }

    /**
     * Appends a message.
     *
     * @param message the message
     * @return this builder
     */
    public Builder message(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message"));
      return this;
    }

    /**
     * Appends a system message.
     *
     * @param text the instructions
     * @return this builder
     */
    public Builder system(String text) {
      return message(new SystemMessage(text));
    }

    /**
     * Appends a text user message.
     *
     * @param text the text
     * @return this builder
     */
    public Builder user(String text) {
      return message(UserMessage.of(text));
    }

    /**
     * Appends a user message of several parts, for example a question and an image.
     *
     * @param parts the parts, in order
     * @return this builder
     */
    public Builder user(ContentPart... parts) {
      return message(UserMessage.of(parts));
    }

    /**
     * Appends an assistant message, for example an earlier answer.
     *
     * @param text the text
     * @return this builder
     */
    public Builder assistant(String text) {
      return message(AssistantMessage.of(text));
    }

    /**
     * Sets the sampling temperature, 0 to 2.
     *
     * @param temperature the temperature, or null for the provider's default
     * @return this builder
     */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the nucleus sampling mass, 0 to 1.
     *
     * @param topP top_p, or null for the provider's default
     * @return this builder
     */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * Sets the upper bound of generated tokens, reasoning tokens included.
     *
     * @param maxTokens a positive bound, or null for none
     * @return this builder
     */
    public Builder maxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets the frequency penalty, -2 to 2.
     *
     * @param penalty the penalty, or null for the provider's default
     * @return this builder
     */
    public Builder frequencyPenalty(@Nullable Double penalty) {
      this.frequencyPenalty = penalty;
      return this;
    }

    /**
     * Sets the presence penalty, -2 to 2.
     *
     * @param penalty the penalty, or null for the provider's default
     * @return this builder
     */
    public Builder presencePenalty(@Nullable Double penalty) {
      this.presencePenalty = penalty;
      return this;
    }

    /**
     * Sets the stop sequences, replacing any set before.
     *
     * @param sequences up to four sequences
     * @return this builder
     */
    public Builder stop(List<String> sequences) {
      Objects.requireNonNull(sequences, "sequences");
      stop.clear();
      sequences.forEach(sequence -> stop.add(Objects.requireNonNull(sequence, "stop sequence")));
      return this;
    }

    /**
     * Sets the seed for best-effort deterministic sampling.
     *
     * @param seed the seed, or null
     * @return this builder
     */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets how many answers to generate.
     *
     * @param n 1 to 128, or null for one
     * @return this builder
     */
    public Builder n(@Nullable Integer n) {
      this.n = n;
      return this;
    }

    /**
     * Sets the end-user id (the API's {@code user} field) passed on for abuse monitoring.
     *
     * @param endUserId the user id, or null
     * @return this builder
     */
    public Builder endUserId(@Nullable String endUserId) {
      this.endUserId = endUserId;
      return this;
    }

    /**
     * Sets the response format.
     *
     * @param format the format
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat format) {
      this.responseFormat = Objects.requireNonNull(format, "responseFormat");
      return this;
    }

    /**
     * Replaces the tools the model may call.
     *
     * @param tools the tools, with distinct names
     * @return this builder
     */
    public Builder tools(List<Tool> tools) {
      Objects.requireNonNull(tools, "tools");
      this.tools.clear();
      tools.forEach(this::tool);
      return this;
    }

    /**
     * Adds a tool the model may call.
     *
     * @param tool the tool
     * @return this builder
     */
    public Builder tool(Tool tool) {
      tools.add(Objects.requireNonNull(tool, "tool"));
      return this;
    }

    /**
     * Sets whether and which tool the model must call.
     *
     * @param toolChoice the choice, or null for the provider's default
     * @return this builder
     */
    public Builder toolChoice(@Nullable ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /**
     * Sets whether the model may ask for several tool calls in one answer.
     *
     * @param parallelToolCalls the flag, or null for the provider's default
     * @return this builder
     */
    public Builder parallelToolCalls(@Nullable Boolean parallelToolCalls) {
      this.parallelToolCalls = parallelToolCalls;
      return this;
    }

    /**
     * Sets the time this request may take, across every attempt and the waits between them; it
     * replaces the connector's call timeout for this request. For a stream it bounds the time
     * until the response starts; the stream's idle timeout applies after that.
     *
     * @param timeout the timeout, positive; or null for the connector's
     * @return this builder
     */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how many times this request may be retried after a retriable failure; it replaces the
     * connector's retry policy's limit for this request. Zero turns retries off.
     *
     * @param maxRetries the number of retries, zero or more; or null for the connector's
     * @return this builder
     */
    public Builder maxRetries(@Nullable Integer maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Checks every field and builds the request.
     *
     * @return the request
     * @throws RequestValidationException listing every problem, each naming the field
     */
    public ChatRequest build() {
      List<String> problems = new ArrayList<>();
      if (model.isBlank()) {
        problems.add("model must not be blank; set it with model(\"gpt-4o-mini\") or similar");
      }
      if (messages.isEmpty()) {
        problems.add("messages must not be empty; add one with user(\"...\")");
      }
      checkRange(problems, "temperature", temperature, 0, 2);
      checkRange(problems, "topP", topP, 0, 1);
      checkRange(problems, "frequencyPenalty", frequencyPenalty, -2, 2);
      checkRange(problems, "presencePenalty", presencePenalty, -2, 2);
      if (maxTokens != null && maxTokens <= 0) {
        problems.add("maxTokens must be positive, was " + maxTokens + "; leave it unset for no limit");
      }
      if (n != null && (n < 1 || n > 128)) {
        problems.add("n must be between 1 and 128, was " + n);
      }
      if (stop.size() > 4) {
        problems.add("stop takes at most 4 sequences, was " + stop.size());
      }
      if (responseFormat.type() == ResponseFormat.Type.JSON_OBJECT && !mentionsJson()) {
        problems.add(
            "responseFormat json_object needs the word \"JSON\" in a message (the API rejects the"
                + " request otherwise); say e.g. \"Answer in JSON.\" in the system message");
      }
      CallLimits.check(problems, timeout, maxRetries);
      checkTools(problems);
      if (!problems.isEmpty()) {
        throw new RequestValidationException(problems);
      }
      return new ChatRequest(this);
    }

    private void checkTools(List<String> problems) {
      Set<String> names = new HashSet<>();
      for (Tool tool : tools) {
        if (!names.add(tool.name())) {
          problems.add("tools has two tools named '" + tool.name() + "'; tool names must be unique");
        }
      }
      if (tools.isEmpty() && toolChoice != null && toolChoice.mode() != ToolChoice.Mode.NONE) {
        problems.add("toolChoice " + toolChoice + " needs tools; add them with tool(...)");
      }
      if (!tools.isEmpty() && n != null && n != 1) {
        problems.add(
            "n must be 1 (or unset) with tools: the tool loop follows one answer, was " + n);
      }
      if (tools.isEmpty() && parallelToolCalls != null) {
        problems.add("parallelToolCalls needs tools; add them with tool(...) or leave it unset");
      }
      String forced = toolChoice == null ? null : toolChoice.toolName().orElse(null);
      if (forced != null && !tools.isEmpty() && !names.contains(forced)) {
        problems.add(
            "toolChoice names '" + forced + "', which is not among the tools " + names);
      }
    }

    private boolean mentionsJson() {
      for (ChatMessage message : messages) {
        String text = message.text();
        if (text.toLowerCase(Locale.ROOT).contains("json")) {
          return true;
        }
      }
      return false;
    }

    private static void checkRange(
        List<String> problems, String field, @Nullable Double value, double min, double max) {
      if (value != null && !(value >= min && value <= max)) {
        problems.add(
            field + " must be between " + fmt(min) + " and " + fmt(max) + ", was " + value);
      }
    }

    private static String fmt(double value) {
      return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
  }
}
