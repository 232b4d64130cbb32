package dev.openaiconnector.api;

import org.jspecify.annotations.Nullable;

/**
 * A fragment of a tool call in a stream. The first fragment of a call carries its id and name;
 * the arguments arrive in pieces, to be concatenated by {@link #index()}.
 *
 * @param index which call of the answer this fragment belongs to
 * @param id the call's id, on its first fragment only
 * @param name the function's name, on its first fragment only
 * @param arguments a piece of the arguments JSON, or null
 */
public record ToolCallDelta(
    int index, @Nullable String id, @Nullable String name, @Nullable String arguments) {}
