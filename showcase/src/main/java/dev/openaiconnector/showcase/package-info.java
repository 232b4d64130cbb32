/**
 * The showcase: a runnable tour of every capability of the connector, against the testkit's fake
 * server by default, or against OpenAI or Azure OpenAI when the environment names them. Run it with
 * {@code ./mvnw -q -B -Pshowcase -pl showcase -am package -DskipTests}.
 */
@NullMarked
package dev.openaiconnector.showcase;

import org.jspecify.annotations.NullMarked;
