package dev.openaiconnector.core;

import dev.openaiconnector.api.CallEvent;
import dev.openaiconnector.api.CallListener;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.Operation;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Records the OpenTelemetry GenAI client metrics of every call a connector makes, in a Micrometer
 * {@link MeterRegistry}:
 *
 * <ul>
 *   <li>{@value #OPERATION_DURATION}, a timer of each whole call (every attempt and wait), on
 *       success and on failure;
 *   <li>{@value #TOKEN_USAGE}, a distribution summary in {@code {token}} of each successful call's
 *       input and output tokens, recorded separately.
 * </ul>
 *
 * <p>Tags: {@code gen_ai.operation.name} ({@code chat} for chat calls and streams, {@code
 * embeddings}, and {@code generate_content} for image generation, the closest value the
 * conventions define), {@code gen_ai.provider.name} ({@code openai}, {@code azure.ai.openai} for
 * the {@code azure} provider, else the provider's id), {@code gen_ai.request.model}, {@code
 * gen_ai.response.model} (the model the answer named, else {@value #UNKNOWN_RESPONSE_MODEL}),
 * {@code gen_ai.token.type} ({@code input} or {@code output}, on the token metric) and, on the
 * timer, {@code error.type} (the exception's simple class name, {@code _OTHER} for a failure
 * outside the api's exceptions, and {@value #NO_ERROR} for a success). A stream's call ends when
 * the stream does.
 *
 * <p>Every meter of one name carries the same tag keys, whatever the call's outcome: Prometheus
 * (Micrometer's {@code PrometheusMeterRegistry}) allows one set of label names per metric and
 * refuses a meter with another. Where the OpenTelemetry conventions leave a tag out, this class
 * puts a placeholder instead. {@value #NO_ERROR} follows Micrometer's and Spring's own {@code
 * exception="none"} on successful calls, and, unlike an empty value, which some registries drop
 * or reject, it keeps the key on every backend; a query for successes selects {@code
 * error.type="none"}, and one for failures {@code error.type!="none"}. A successful call of
 * OpenTelemetry's own instrumentation has no {@code error.type}; a dashboard shared with it
 * should treat a missing value and {@value #NO_ERROR} alike.
 *
 * <pre>{@code
 * Connector ai = Connectors.builder().listener(GenAiMetrics.of(meterRegistry)).build();
 * }</pre>
 *
 * <p>Micrometer is an optional dependency of this library: an application that uses this class
 * adds {@code io.micrometer:micrometer-core} itself. Thread-safe.
 */
public final class GenAiMetrics implements CallListener {
  /** The timer of whole calls. */
  public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

  /** The distribution summary of tokens used. */
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

  /** The {@code error.type} of a successful call: no exception class has this lower-case name. */
  public static final String NO_ERROR = "none";

  /**
   * The {@code gen_ai.response.model} of a call whose answer named no model, and of every failed
   * call.
   */
  public static final String UNKNOWN_RESPONSE_MODEL = "unknown";

  private final MeterRegistry registry;
  // Meters by their tags: building a meter's id on every call would cost more than the call's
  // bookkeeping.
  private final ConcurrentMap<Tags, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentMap<Tags, DistributionSummary> summaries = new ConcurrentHashMap<>();

  private GenAiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Creates the listener; add it with {@link Connectors.Builder#listener}.
   *
   * @param registry where the meters are registered
   * @return the listener
   */
  public static GenAiMetrics of(MeterRegistry registry) {
    return new GenAiMetrics(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public void onSuccess(CallEvent event) {
    Tags tags = tags(event);
    timer(tags.and("error.type", NO_ERROR)).record(event.elapsed());
    summary(tags.and("gen_ai.token.type", "input")).record(event.usage().promptTokens());
    summary(tags.and("gen_ai.token.type", "output")).record(event.usage().completionTokens());
  }

  @Override
  public void onFailure(CallEvent event) {
    ConnectorException failure = event.failure();
    String errorType = failure == null ? "_OTHER" : failure.getClass().getSimpleName();
    timer(tags(event).and("error.type", errorType)).record(event.elapsed());
  }

  @Override
  public String toString() {
    return "GenAiMetrics[" + registry.getClass().getSimpleName() + "]";
  }

  private Timer timer(Tags tags) {
    return timers.computeIfAbsent(
        tags,
        key ->
            Timer.builder(OPERATION_DURATION)
                .description("GenAI operation duration")
                .tags(key)
                .register(registry));
  }

  private DistributionSummary summary(Tags tags) {
    return summaries.computeIfAbsent(
        tags,
        key ->
            DistributionSummary.builder(TOKEN_USAGE)
                .description("Number of input and output tokens used")
                .baseUnit("{token}")
                .tags(key)
                .register(registry));
  }

  private static Tags tags(CallEvent event) {
    Tags tags =
        Tags.of(
            "gen_ai.operation.name", operationName(event.operation()),
            "gen_ai.provider.name", providerName(event.providerId()),
            "gen_ai.request.model", event.model());
    String responseModel = event.responseModel();
    return tags.and(
        "gen_ai.response.model", responseModel == null ? UNKNOWN_RESPONSE_MODEL : responseModel);
  }

  private static String operationName(Operation operation) {
    switch (operation) {
      case CHAT:
      case CHAT_STREAM:
        return "chat";
      case EMBEDDINGS:
        return "embeddings";
      case IMAGES:
        return "generate_content";
      default:
        throw new IllegalArgumentException("unknown operation " + operation);
    }
  }

  private static String providerName(String providerId) {
    switch (providerId) {
      case "openai":
        return "openai";
      case "azure":
        return "azure.ai.openai";
      default:
        return providerId;
    }
  }
}
