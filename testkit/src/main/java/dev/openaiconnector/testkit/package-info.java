/**
 * Test doubles for applications and providers built on the connector: {@link
 * dev.openaiconnector.testkit.FakeProvider}, a scripted and recording provider for unit tests,
 * and {@code FakeOpenAiServer}, a fake OpenAI HTTP server.
 */
@NullMarked
package dev.openaiconnector.testkit;

import org.jspecify.annotations.NullMarked;
