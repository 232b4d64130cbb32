/**
 * Test doubles for applications and providers built on the connector: {@link
 * dev.openaiconnector.testkit.FakeProvider}, a scripted and recording provider for unit tests,
 * and {@link dev.openaiconnector.testkit.FakeOpenAiServer}, a fake OpenAI HTTP server scripted
 * with {@link dev.openaiconnector.testkit.FakeResponse} that records each {@link
 * dev.openaiconnector.testkit.RecordedRequest}.
 */
@NullMarked
package dev.openaiconnector.testkit;

import org.jspecify.annotations.NullMarked;
