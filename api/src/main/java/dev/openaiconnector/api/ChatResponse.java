package dev.openaiconnector.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link ChatRequest}: one or more choices, the token usage and the ids needed to
 * trace the call at the provider. Immutable and thread-safe.
 */
public final class ChatResponse {
  private final String id;
  private final String model;
  private final List<Choice> choices;
  private final TokenUsage usage;
  private final @Nullable String requestId;
  private final @Nullable String systemFingerprint;
  private final List<ToolRound> toolRounds;
  private final RateLimits rateLimits;
  private final ContentFilterReport contentFilter;

  private ChatResponse(Builder builder) {
    this.id = builder.id;
    this.model = builder.model;
    this.choices = List.copyOf(builder.choices);
    this.usage = builder.usage;
    this.requestId = builder.requestId;
    this.systemFingerprint = builder.systemFingerprint;
    this.toolRounds = List.copyOf(builder.toolRounds);
    this.rateLimits = builder.rateLimits;
    this.contentFilter = builder.contentFilter;
  }

  /**
   * Starts a response; used by providers and fakes.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this response's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .id(id)
        .model(model)
        .choices(choices)
        .usage(usage)
        .requestId(requestId)
        .systemFingerprint(systemFingerprint)
        .toolRounds(toolRounds)
        .rateLimits(rateLimits)
        .contentFilter(contentFilter);
  }

  /**
   * Returns the provider's id of the completion, for example {@code chatcmpl-...}.
   *
   * @return the completion id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the model that answered, as the provider reports it (often a dated snapshot).
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * Returns the answers; one unless the request asked for more.
   *
   * @return the choices, never empty
   */
  public List<Choice> choices() {
    return choices;
  }

  /**
   * Returns the first answer.
   *
   * @return the first choice's message
   */
  public AssistantMessage message() {
    return choices.get(0).message();
  }

  /**
   * Returns the text of the first answer.
   *
   * @return the text; empty when the model answered only with tool calls or a refusal, which
   *     {@link #message()} shows
   */
  public String content() {
    return message().text();
  }

  /**
   * Returns why the model stopped writing the first answer.
   *
   * @return the finish reason
   */
  public FinishReason finishReason() {
    return choices.get(0).finishReason();
  }

  /**
   * Returns the tokens counted for this answer: with tools, summed over every round of the loop.
   *
   * @return the usage; {@link TokenUsage#ZERO} if the provider reported none
   */
  public TokenUsage usage() {
    return usage;
  }

  /**
   * Returns the provider's request id, to quote to the provider's support.
   *
   * @return the request id ({@code x-request-id} for OpenAI)
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * Returns the fingerprint of the backend configuration that answered.
   *
   * @return the fingerprint
   */
  public Optional<String> systemFingerprint() {
    return Optional.ofNullable(systemFingerprint);
  }

  /**
   * Returns the rounds of the tool loop that led to this answer: each round's tool calls, their
   * results and its usage. The usage of the final answer's own call is {@link #usage()} minus
   * the rounds' usage.
   *
   * @return the rounds, oldest first; empty when the model answered without calling tools
   */
  public List<ToolRound> toolRounds() {
    return toolRounds;
  }

  /**
   * Returns the provider's rate-limit state after this call; with tools, after the last round.
   *
   * @return the rate limits, {@link RateLimits#NONE} when the provider sent none
   */
  public RateLimits rateLimits() {
    return rateLimits;
  }

  /**
   * Returns the provider's content filter verdicts on this call's prompt and answers (Azure
   * OpenAI). An answer the filter cut has the finish reason {@link FinishReason#CONTENT_FILTER}.
   *
   * @return the report, {@link ContentFilterReport#NONE} when the provider gave none
   */
  public ContentFilterReport contentFilter() {
    return contentFilter;
  }

  // Content is left out: answers may hold personal data and must not reach logs.
  @Override
  public String toString() {
    return "ChatResponse[id="
        + id
        + ", model="
        + model
        + ", choices="
        + choices.size()
        + ", finishReason="
        + finishReason().value()
        + ", usage="
        + usage
        + (requestId == null ? "" : ", requestId=" + requestId)
        + "]";
  }

  /** Builds a {@link ChatResponse}. Not thread-safe. */
  public static final class Builder {
    private String id = "";
    private String model = "";
    private final List<Choice> choices = new ArrayList<>();
    private TokenUsage usage = TokenUsage.ZERO;
    private @Nullable String requestId;
    private @Nullable String systemFingerprint;
    private final List<ToolRound> toolRounds = new ArrayList<>();
    private RateLimits rateLimits = RateLimits.NONE;
    private ContentFilterReport contentFilter = ContentFilterReport.NONE;

    private Builder() {}

    /**
     * Sets the completion id.
     *
     * @param id the id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the model that answered.
     *
     * @param model the model
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Replaces the choices.
     *
     * @param choices the choices
     * @return this builder
     */
    public Builder choices(List<Choice> choices) {
      Objects.requireNonNull(choices, "choices");
      this.choices.clear();
      choices.forEach(this::choice);
      return this;
    }

    /**
     * Appends a choice.
     *
     * @param choice the choice
     * @return this builder
     */
    public Builder choice(Choice choice) {
      choices.add(Objects.requireNonNull(choice, "choice"));
      return this;
    }

    /**
     * Sets the token usage.
     *
     * @param usage the usage
     * @return this builder
     */
    public Builder usage(TokenUsage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    /**
     * Sets the provider's request id.
     *
     * @param requestId the request id, or null
     * @return this builder
     */
    public Builder requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * Sets the backend fingerprint.
     *
     * @param systemFingerprint the fingerprint, or null
     * @return this builder
     */
    public Builder systemFingerprint(@Nullable String systemFingerprint) {
      this.systemFingerprint = systemFingerprint;
      return this;
    }

    /**
     * Replaces the tool rounds that led to this answer.
     *
     * @param rounds the rounds, oldest first
     * @return this builder
     */
    public Builder toolRounds(List<ToolRound> rounds) {
      Objects.requireNonNull(rounds, "rounds");
      toolRounds.clear();
      rounds.forEach(round -> toolRounds.add(Objects.requireNonNull(round, "round")));
      return this;
    }

    /**
     * Sets the provider's rate-limit state after the call.
     *
     * @param rateLimits the rate limits
     * @return this builder
     */
    public Builder rateLimits(RateLimits rateLimits) {
      this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
      return this;
    }

    /**
     * Sets the content filter's verdicts.
     *
     * @param contentFilter the report
     * @return this builder
     */
    public Builder contentFilter(ContentFilterReport contentFilter) {
      this.contentFilter = Objects.requireNonNull(contentFilter, "contentFilter");
      return this;
    }

    /**
     * Builds the response.
     *
     * @return the response
     * @throws IllegalStateException if there is no choice
     */
    public ChatResponse build() {
      if (choices.isEmpty()) {
        throw new IllegalStateException("a chat response needs at least one choice");
      }
      return new ChatResponse(this);
    }
  }
}
