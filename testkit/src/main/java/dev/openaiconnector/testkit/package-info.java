/**
 * Test doubles for applications and providers built on the connector: {@link
 * dev.openaiconnector.testkit.FakeProvider}, a scripted and recording provider for unit tests,
 * and {@link dev.openaiconnector.testkit.FakeOpenAiServer}, a fake OpenAI and Azure OpenAI HTTP
 * server scripted with {@link dev.openaiconnector.testkit.FakeResponse} that records each {@link
 * dev.openaiconnector.testkit.RecordedRequest} and runs from the command line too; both answer
 * deterministically when nothing is scripted. {@link dev.openaiconnector.testkit.FakeAssertions}
 * checks what they were asked in the domain's terms, and {@link
 * dev.openaiconnector.testkit.FakeOpenAiExtension} starts them for a JUnit 5 test class and
 * injects them with a {@code Connector} wired to them.
 */
@NullMarked
package dev.openaiconnector.testkit;

import org.jspecify.annotations.NullMarked;
