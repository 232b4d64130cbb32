package dev.openaiconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.AssistantMessage;
import dev.openaiconnector.api.ChatMessage;
import dev.openaiconnector.api.ContentPart;
import dev.openaiconnector.api.ImageDetail;
import dev.openaiconnector.api.ImagePart;
import dev.openaiconnector.api.SystemMessage;
import dev.openaiconnector.api.ToolCall;
import dev.openaiconnector.api.ToolMessage;
import dev.openaiconnector.api.UserMessage;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimatorTest {
  private static final URI CAT = URI.create("https://example.com/cat.png");

  @ParameterizedTest
  @CsvSource({"0, 4", "1, 5", "4, 5", "5, 6", "400, 104"})
  void estimatesAboutFourCharactersATokenPlusAMessageOverhead(int length, long tokens) {
    assertThat(TokenEstimator.estimate(new SystemMessage("x".repeat(length)))).isEqualTo(tokens);
    assertThat(TokenEstimator.estimate(UserMessage.of("x".repeat(length)))).isEqualTo(tokens);
  }

  @Test
  void chargesTheFlatImageCostByDetail() {
    UserMessage low =
        UserMessage.of(ContentPart.text("abcd"), ImagePart.ofUrl(CAT, ImageDetail.LOW));
    UserMessage high = UserMessage.of(ImagePart.ofUrl(CAT, ImageDetail.HIGH));
    UserMessage auto = UserMessage.of(ImagePart.ofUrl(CAT, ImageDetail.AUTO));

    assertThat(TokenEstimator.estimate(low)).isEqualTo(4 + 1 + 85);
    assertThat(TokenEstimator.estimate(high)).isEqualTo(4 + 765);
    assertThat(TokenEstimator.estimate(auto)).isEqualTo(4 + 765);
  }

  @Test
  void countsToolCallsRefusalsAndToolResults() {
    AssistantMessage calls =
        new AssistantMessage(null, List.of(new ToolCall("abcd", "abcdefgh", "{}")), "no");
    ToolMessage result = new ToolMessage("abcd", "abcdefgh");

    assertThat(TokenEstimator.estimate(calls)).isEqualTo(4 + 1 + 1 + 2 + 1);
    assertThat(TokenEstimator.estimate(result)).isEqualTo(4 + 1 + 2);
  }

  @Test
  void sumsSeveralMessages() {
    List<ChatMessage> messages = List.of(UserMessage.of("abcd"), AssistantMessage.of("abcdefgh"));

    assertThat(TokenEstimator.estimate(messages)).isEqualTo(5 + 6);
  }
}
