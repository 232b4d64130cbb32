package dev.openaiconnector.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DirectBase64EmbeddingsDecoderTest {
  private static final JsonFactory JSON = new JsonFactory();

  private static String base64(float... values) {
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return Base64.getEncoder().encodeToString(buffer.array());
  }

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String item(int index, String embedding) {
    return "{\"object\":\"embedding\",\"index\":" + index + ",\"embedding\":" + embedding + "}";
  }

  private static String body(String... items) {
    return "{\"object\":\"list\",\"data\":["
        + String.join(",", items)
        + "],\"model\":\"m\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}";
  }

  private static EmbeddingsDecoder.@Nullable Decoded direct(byte[] body, int count) {
    return DirectBase64EmbeddingsDecoder.decode(JSON, body, count);
  }

  private static void assertSame(EmbeddingsDecoder.Decoded actual, EmbeddingsDecoder.Decoded expected) {
    assertThat(actual.model()).isEqualTo(expected.model());
    assertThat(actual.promptTokens()).isEqualTo(expected.promptTokens());
    assertThat(actual.vectors().length).isEqualTo(expected.vectors().length);
    for (int i = 0; i < expected.vectors().length; i++) {
      float[] a = actual.vectors()[i];
      float[] e = expected.vectors()[i];
      assertThat(a).hasSameSizeAs(e);
      for (int j = 0; j < e.length; j++) {
        assertThat(Float.floatToRawIntBits(a[j])).isEqualTo(Float.floatToRawIntBits(e[j]));
      }
    }
  }

  @Test
  void readsABase64BodyInAnyOrderAsEmbeddingsDecoderDoes() throws Exception {
    byte[] body =
        utf8(
            body(
                item(2, "\"" + base64(5f, 6f, Float.NaN) + "\""),
                item(0, "\"" + base64(1f, -0f, 2.5e-40f) + "\""),
                "{\"embedding\": \"" + base64(3f, 4f, 1e30f) + "\", \"index\": 1, \"x\": [1, {}]}"));

    EmbeddingsDecoder.Decoded decoded = direct(body, 3);

    assertThat(decoded).isNotNull();
    assertThat(decoded.vectors()[0]).containsExactly(1f, -0f, 2.5e-40f);
    assertThat(decoded.vectors()[1]).containsExactly(3f, 4f, 1e30f);
    assertThat(decoded.model()).isEqualTo("m");
    assertThat(decoded.promptTokens()).isEqualTo(7);
    assertSame(decoded, EmbeddingsDecoder.decode(JSON, body, 3, 0));
  }

  @Test
  void declinesFloatJsonWhichEmbeddingsDecoderReads() throws Exception {
    byte[] body = utf8(body(item(0, "[1.5, -2]")));

    assertThat(direct(body, 1)).isNull();
    assertThat(EmbeddingsDecoder.decode(JSON, body, 1, 0).vectors()[0]).containsExactly(1.5f, -2f);
  }

  @Test
  void declinesEscapesAndWhitespaceInBase64WhichEmbeddingsDecoderReads() throws Exception {
    // 0xfffffffc makes "/P///w==": a serializer may write each slash as \/.
    String plain = base64(Float.intBitsToFloat(0xfffffffc), 1f);
    assertThat(plain).contains("/");
    for (String variant :
        List.of(plain.replace("/", "\\/"), plain.substring(0, 4) + "\\n" + plain.substring(4))) {
      byte[] body = utf8(body(item(0, "\"" + variant + "\"")));

      assertThat(direct(body, 1)).as(variant).isNull();
      assertSame(
          EmbeddingsDecoder.decode(JSON, body, 1, 0),
          EmbeddingsDecoder.decode(JSON, utf8(body(item(0, "\"" + plain + "\""))), 1, 0));
    }
  }

  @Test
  void declinesEveryBodyEmbeddingsDecoderRejects() {
    String one = "\"" + base64(1f, 2f) + "\"";
    List<String> bodies =
        List.of(
            "[]",
            "{\"model\":\"m\"}",
            "{\"data\":{}}",
            "{\"data\":[1]}",
            body(item(0, "\"AACAPw\"")),
            body(item(0, "\"AACAP!==\"")),
            body(item(0, "\"AACA\"")),
            body(item(0, "\"\"")),
            body(item(0, "7")),
            body(item(1, one)),
            body(item(-1, one)),
            body(item(0, one), item(0, one)),
            body(item(0, one), item(1, "\"" + base64(1f) + "\"")),
            body(item(0, "\"" + base64(1f) + "\""), item(1, one)),
            body("{\"index\":\"0\",\"embedding\":" + one + "}"),
            body("{\"index\":0}"),
            body(item(0, one)).replace("7", "-7"),
            body(item(0, one)).replace("7", "99999999999999999999"),
            body(item(0, one)).replace("}}", "}"));
    for (String json : bodies) {
      byte[] body = utf8(json);
      int count = json.contains("\"index\":1") ? 2 : 1;

      assertThat(direct(body, count)).as(json).isNull();
      assertThatThrownBy(() -> EmbeddingsDecoder.decode(JSON, body, count, 0))
          .as(json)
          .isInstanceOf(Exception.class);
    }
  }

  @Test
  void readsEveryMutatedBodyAsEmbeddingsDecoderDoesOrDeclines() {
    byte[] valid =
        utf8(
            body(
                item(1, "\"" + base64(1f, 2f, 3f, 4f, 5f) + "\""),
                item(0, "\"" + base64(-1f, -2f, -3f, -4f, -5f) + "\"")));
    byte[] replacements = utf8("A/+=\"\\ ,:{}[]019-");
    Random random = new Random(7);
    int agreed = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] body = valid.clone();
      for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
        body[random.nextInt(body.length)] = replacements[random.nextInt(replacements.length)];
      }
      EmbeddingsDecoder.Decoded expected;
      try {
        expected = EmbeddingsDecoder.decode(JSON, body, 2, 0);
      } catch (Exception e) {
        assertThat(direct(body, 2)).as(new String(body, StandardCharsets.UTF_8)).isNull();
        continue;
      }
      EmbeddingsDecoder.Decoded actual = direct(body, 2);
      if (actual != null) {
        assertSame(actual, expected);
        agreed++;
      }
    }
    // Most single edits outside the base64 leave a body both read.
    assertThat(agreed).isGreaterThan(1000);
  }
}
