package dev.openaiconnector.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.openaiconnector.api.ChatDelta;
import dev.openaiconnector.api.ConnectorException;
import dev.openaiconnector.api.ContentFilterReport;
import dev.openaiconnector.api.ErrorDetails;
import dev.openaiconnector.api.FinishReason;
import dev.openaiconnector.api.ToolCallDelta;
import dev.openaiconnector.api.UnexpectedResponseException;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto.ChunkChoiceDto;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto.DeltaDto;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto.FunctionChunkDto;
import dev.openaiconnector.openai.internal.ChatCompletionChunkDto.ToolCallChunkDto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import org.jspecify.annotations.Nullable;

/**
 * Turns the data of one event of a chat completion stream into api deltas, and remembers the
 * completion's id and model.
 *
 * <p>A chunk gives one delta per choice that carries something (text, refusal, tool-call
 * fragments or a finish reason), then one delta with the usage if the chunk has it. A chunk may
 * thus give none (a first chunk with a role only; Azure's first chunk with {@code
 * prompt_filter_results} and no choices) or several ({@code n > 1}). Text is handed on as it
 * came, the empty text of OpenAI's first chunk included, so that an empty answer stays an empty
 * text as in a plain answer; only an absent field is null. Not thread-safe: one per stream.
 */
public final class ChatChunkDecoder {
  private final ObjectReader chunkReader;
  private final HttpFailures failures;
  private final ErrorDetails details;
  private final String region;
  private @Nullable String completionId;
  private @Nullable String model;
  // Created by the first verdict: an OpenAI stream has none.
  private ContentFilters.@Nullable Accumulator contentFilter;

  /**
   * Creates a decoder for one stream.
   *
   * @param chunkReader a reader for {@link ChatCompletionChunkDto}
   * @param failures the error mapping, for errors reported inside the stream
   * @param details what exceptions carry: provider, status and request id of the response
   * @param region the region that answered, for error messages, from {@link HttpFailures#region}
   */
  public ChatChunkDecoder(
      ObjectReader chunkReader, HttpFailures failures, ErrorDetails details, String region) {
    this.chunkReader = chunkReader;
    this.failures = failures;
    this.details = details;
    this.region = region;
  }

  /**
   * Decodes the current event of a reader.
   *
   * @param event the reader, positioned on an event that is not {@code [DONE]}
   * @param out where the deltas go, in order
   * @throws ConnectorException for an error event (mapped like {@link
   *     HttpFailures#streamError}) or an {@link UnexpectedResponseException} for data that is not
   *     a chunk
   */
  public void decode(ServerSentEventReader event, Queue<ChatDelta> out) {
    byte[] data = event.data();
    int length = event.dataLength();
    if ("error".equals(event.eventType())) {
      throw failures.streamError(Arrays.copyOf(data, length), details, region);
    }
    ChatCompletionChunkDto chunk;
    try {
      chunk = chunkReader.readValue(data, 0, length);
    } catch (IOException e) {
      throw malformed(e, length);
    }
    if (chunk == null) {
      throw malformed(null, length);
    }
    JsonNode error = chunk.error();
    if (error != null && !error.isNull()) {
      throw failures.streamError(Arrays.copyOf(data, length), details, region);
    }
    // Azure's first chunk has an empty id and model: keep waiting for the real ones.
    String id = chunk.id();
    if (id != null && !id.isEmpty()) {
      completionId = id;
    }
    String chunkModel = chunk.model();
    if (chunkModel != null && !chunkModel.isEmpty()) {
      model = chunkModel;
    }
    if (chunk.promptFilterResults() != null) {
      filters().prompts(chunk.promptFilterResults());
    }
    List<ChunkChoiceDto> choices = chunk.choices();
    if (choices != null) {
      for (int i = 0, n = choices.size(); i < n; i++) {
        ChunkChoiceDto choice = choices.get(i);
        if (choice != null && choice.contentFilterResults() != null) {
          filters().choice(choice.index(), choice.contentFilterResults());
        }
        ChatDelta delta = toDelta(choice);
        if (delta != null) {
          out.add(delta);
        }
      }
    }
    if (chunk.usage() != null) {
      out.add(new ChatDelta(0, null, null, List.of(), null, ChatMapping.usage(chunk.usage())));
    }
  }

  private ContentFilters.Accumulator filters() {
    ContentFilters.Accumulator accumulator = contentFilter;
    if (accumulator == null) {
      accumulator = new ContentFilters.Accumulator();
      contentFilter = accumulator;
    }
    return accumulator;
  }

  private static @Nullable ChatDelta toDelta(@Nullable ChunkChoiceDto choice) {
    if (choice == null) {
      return null;
    }
    DeltaDto delta = choice.delta();
    String content = null;
    String refusal = null;
    List<ToolCallDelta> toolCalls = List.of();
    if (delta != null) {
      content = delta.content();
      refusal = delta.refusal();
      toolCalls = toolCalls(delta.toolCalls());
    }
    String finish = choice.finishReason();
    if (content == null && refusal == null && toolCalls.isEmpty() && finish == null) {
      return null;
    }
    return new ChatDelta(
        choice.index(),
        content,
        refusal,
        toolCalls,
        finish == null ? null : FinishReason.of(finish),
        null);
  }

  private static List<ToolCallDelta> toolCalls(@Nullable List<ToolCallChunkDto> wire) {
    if (wire == null || wire.isEmpty()) {
      return List.of();
    }
    List<ToolCallDelta> fragments = new ArrayList<>(wire.size());
    for (ToolCallChunkDto call : wire) {
      if (call == null) {
        continue;
      }
      FunctionChunkDto function = call.function();
      fragments.add(
          new ToolCallDelta(
              call.index(),
              call.id(),
              function == null ? null : function.name(),
              function == null ? null : function.arguments()));
    }
    return fragments;
  }

  private UnexpectedResponseException malformed(@Nullable IOException e, int length) {
    return failures.unreadable(
        "A chunk of the " + failures.providerName() + " stream", e, length, details);
  }

  /**
   * Returns the completion's id, once a chunk has named it.
   *
   * @return the id, or null
   */
  public @Nullable String completionId() {
    return completionId;
  }

  /**
   * Returns the content filter's verdicts so far: on the prompt (Azure's first chunk) and on each
   * choice, merged over the chunks as {@link ContentFilters} describes.
   *
   * @return the report, {@link ContentFilterReport#NONE} when no chunk had any
   */
  public ContentFilterReport contentFilter() {
    ContentFilters.Accumulator accumulator = contentFilter;
    return accumulator == null ? ContentFilterReport.NONE : accumulator.report();
  }

  /**
   * Returns the model, once a chunk has named it.
   *
   * @return the model, or null
   */
  public @Nullable String model() {
    return model;
  }
}
