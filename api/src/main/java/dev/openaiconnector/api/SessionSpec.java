package dev.openaiconnector.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How to open a {@link ChatSession}: the model, the system prompt, the memory limits and the
 * options applied to every request of the session.
 *
 * <pre>{@code
 * ChatSession session = ai.session(SessionSpec.builder()
 *     .model("gpt-4o-mini")
 *     .system("You are a helpful travel agent.")
 *     .maxMessages(40)
 *     .maxMemoryTokens(8_000)
 *     .tools(weatherTool)
 *     .requestOptions(options -> options.temperature(0.2))
 *     .build());
 * }</pre>
 */
public final class SessionSpec {
  /** The default bound on remembered messages, the system prompt not counted. */
  public static final int DEFAULT_MAX_MESSAGES = 100;

  private final @Nullable String id;
  private final String model;
  private final @Nullable String system;
  private final int maxMessages;
  private final int maxMemoryTokens;
  private final Consumer<ChatRequest.Builder> requestOptions;
  private final List<Tool> tools;

  private SessionSpec(Builder builder) {
    this.id = builder.id;
    this.model = builder.model.strip();
    this.system = builder.system;
    this.maxMessages = builder.maxMessages;
    this.maxMemoryTokens = builder.maxMemoryTokens;
    this.requestOptions = builder.requestOptions;
    this.tools = List.copyOf(builder.tools);
  }

  /**
   * Starts a session spec.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the id of the session to open or resume.
   *
   * @return the id, or empty for a new session with a generated id
   */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /**
   * Returns the model every request of the session names.
   *
   * @return the model id
   */
  public String model() {
    return model;
  }

  /**
   * Returns the system prompt, which is never evicted from memory.
   *
   * @return the system prompt, or empty for none
   */
  public Optional<String> system() {
    return Optional.ofNullable(system);
  }

  /**
   * Returns how many messages the session remembers, the system prompt not counted.
   *
   * @return the bound
   */
  public int maxMessages() {
    return maxMessages;
  }

  /**
   * Returns the approximate token budget of the remembered messages, system prompt included.
   *
   * @return the budget, or 0 for none
   */
  public int maxMemoryTokens() {
    return maxMemoryTokens;
  }

  /**
   * Returns the tools every request of the session offers the model.
   *
   * @return the tools; empty for none
   */
  public List<Tool> tools() {
    return tools;
  }

  /**
   * Applies the session's tools and request options (temperature, max tokens, ...) to a request
   * builder, in that order, so that the options have the last word.
   *
   * @param request the builder of a request the session is about to send
   */
  public void applyRequestOptions(ChatRequest.Builder request) {
    if (!tools.isEmpty()) {
      request.tools(tools);
    }
    requestOptions.accept(request);
  }

  @Override
  public String toString() {
    return "SessionSpec[id="
        + id
        + ", model="
        + model
        + ", maxMessages="
        + maxMessages
        + ", maxMemoryTokens="
        + maxMemoryTokens
        + "]";
  }

  /** Builds a {@link SessionSpec}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String id;
    private String model = "";
    private @Nullable String system;
    private int maxMessages = DEFAULT_MAX_MESSAGES;
    private int maxMemoryTokens;
    private Consumer<ChatRequest.Builder> requestOptions = request -> {};
    private final List<Tool> tools = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the session id, to resume a session from the store or to choose the id of a new one.
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the model.
     *
     * @param model the model id (for Azure, the deployment name)
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Sets the system prompt.
     *
     * @param system the instructions
     * @return this builder
     */
    public Builder system(String system) {
      this.system = Objects.requireNonNull(system, "system");
      return this;
    }

    /**
     * Bounds the remembered messages; the oldest exchanges are evicted first.
     *
     * @param maxMessages at least 2 (a question and its answer)
     * @return this builder
     */
    public Builder maxMessages(int maxMessages) {
      this.maxMessages = maxMessages;
      return this;
    }

    /**
     * Bounds the approximate tokens of the remembered messages; the oldest exchanges are evicted
     * first, the system prompt never.
     *
     * @param maxMemoryTokens a positive budget, or 0 for none
     * @return this builder
     */
    public Builder maxMemoryTokens(int maxMemoryTokens) {
      this.maxMemoryTokens = maxMemoryTokens;
      return this;
    }

    /**
     * Adds tools that every request of the session offers the model; the connector runs the
     * calls, and the history keeps every round.
     *
     * @param tools the tools
     * @return this builder
     */
    public Builder tools(Tool... tools) {
      for (Tool tool : tools) {
        this.tools.add(Objects.requireNonNull(tool, "tool"));
      }
      return this;
    }

    /**
     * Sets options applied to every request of the session, for example the temperature. The
     * model and the messages are the session's and are set after these options.
     *
     * @param requestOptions a function that sets options on a request builder
     * @return this builder
     */
    public Builder requestOptions(Consumer<ChatRequest.Builder> requestOptions) {
      this.requestOptions = Objects.requireNonNull(requestOptions, "requestOptions");
      return this;
    }

    /**
     * Checks every field and builds the spec.
     *
     * @return the spec
     * @throws RequestValidationException listing every problem
     */
    public SessionSpec build() {
      List<String> problems = new ArrayList<>();
      if (model.isBlank()) {
        problems.add("model must not be blank; set it with model(\"gpt-4o-mini\") or similar");
      }
      if (id != null && id.isBlank()) {
        problems.add("id must not be blank; leave it unset for a generated id");
      }
      if (maxMessages < 2) {
        problems.add("maxMessages must be at least 2, was " + maxMessages);
      }
      if (maxMemoryTokens < 0) {
        problems.add("maxMemoryTokens must be 0 (no budget) or positive, was " + maxMemoryTokens);
      }
      if (!problems.isEmpty()) {
        throw new RequestValidationException(problems);
      }
      return new SessionSpec(this);
    }
  }
}
