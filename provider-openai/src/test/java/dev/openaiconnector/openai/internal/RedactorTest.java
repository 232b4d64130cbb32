package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.Secret;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void redactsKeyShapedTokensWhereverATokenStarts() {
    assertThat(Redactor.NO_KEY.redact("sk-abcd1234")).isEqualTo("sk-***");
    assertThat(Redactor.NO_KEY.redact("key: sk-abcd1234.")).isEqualTo("key: sk-***.");
    assertThat(Redactor.NO_KEY.redact("(sk-proj-abcd1234)")).isEqualTo("(sk-***)");
    assertThat(Redactor.NO_KEY.redact("\"sk-abcd1234\"")).isEqualTo("\"sk-***\"");
  }

  @Test
  void leavesWordsThatMerelyContainSkAlone() {
    assertThat(Redactor.NO_KEY.redact("the task-force met at risk-free rates"))
        .isEqualTo("the task-force met at risk-free rates");
    assertThat(Redactor.NO_KEY.redact("ask-me-anything desk_sk-1234"))
        .isEqualTo("ask-me-anything desk_sk-1234");
  }

  @Test
  void redactsTheConfiguredKeyAndBearerTokens() {
    Redactor redactor = new Redactor(Secret.of("local-key-12345"));

    assertThat(redactor.redact("got local-key-12345, Bearer abc.def"))
        .isEqualTo("got ***, Bearer ***");
  }

  @Test
  void redactsJsonWebTokensQuotedWithoutTheBearerPrefix() {
    String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.c2lnbmF0dXJl";

    assertThat(Redactor.NO_KEY.redact("token " + token + " was refused"))
        .isEqualTo("token *** was refused");
    assertThat(Redactor.NO_KEY.redact("{\"access_token\":\"" + token + "\"}"))
        .isEqualTo("{\"access_token\":\"***\"}");
    assertThat(Redactor.NO_KEY.redact("keyJoin.a.b stays")).isEqualTo("keyJoin.a.b stays");
  }
}
