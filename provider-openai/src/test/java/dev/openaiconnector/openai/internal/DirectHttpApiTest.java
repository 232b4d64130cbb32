package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where a call went, as failures to reach it name it: no user information, no query. */
class DirectHttpApiTest {
  @Test
  void namesTheMethodAndTheUrlWithoutQuery() {
    assertThat(
            DirectHttpApi.target(
                URI.create(
                    "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
                        + "?api-version=2024-10-21")))
        .isEqualTo("POST https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions");
  }

  @Test
  void leavesOutUserInformationAndQueryThatMayCarryCredentials() {
    String target =
        DirectHttpApi.target(
            URI.create("http://user:s3cret@127.0.0.1:8080/v1/chat/completions?key=gw-s3cret"));

    assertThat(target).isEqualTo("POST http://127.0.0.1:8080/v1/chat/completions");
    assertThat(target).doesNotContain("s3cret");
  }
}
