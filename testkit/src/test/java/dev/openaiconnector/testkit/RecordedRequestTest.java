package dev.openaiconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordedRequestTest {

  @Test
  void findsHeadersInAnyCaseAndHidesTheirValues() {
    RecordedRequest request =
        new RecordedRequest(
            "POST",
            "/v1/chat/completions",
            Map.of("Authorization", List.of("Bearer sk-secret", "second")),
            "{}");

    assertThat(request.header("AUTHORIZATION")).hasValue("Bearer sk-secret");
    assertThat(request.headers().get("authorization")).hasSize(2);
    assertThat(request.header("missing")).isEmpty();
    assertThat(request.toString()).doesNotContain("sk-secret");
    assertThatThrownBy(() -> request.headers().put("x", List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
