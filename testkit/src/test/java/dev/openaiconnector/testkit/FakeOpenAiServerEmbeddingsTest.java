package dev.openaiconnector.testkit;

import static dev.openaiconnector.testkit.FakeOpenAiServerTest.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.testkit.internal.Json;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FakeOpenAiServerEmbeddingsTest {
  private final FakeOpenAiServer server = FakeOpenAiServer.start();
  private final TestClient client = new TestClient(server);

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<?, ?> embed(String body) {
    HttpResponse<String> response = client.send("POST", "/v1/embeddings", body, "sk-test");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (Map<?, ?>) Json.parse(response.body());
  }

  private static float[] floats(Object embedding) {
    List<?> values = (List<?>) embedding;
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = Float.parseFloat(values.get(i).toString());
    }
    return vector;
  }

  private static float[] base64(Object embedding) {
    byte[] bytes = Base64.getDecoder().decode((String) embedding);
    float[] vector = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }

  @Test
  void answersEachInputWithTheSharedDeterministicUnitVectorInFloatJsonByDefault() {
    Map<?, ?> body =
        embed("{\"model\":\"text-embedding-3-small\",\"input\":[\"hello\",\"world\",\"hello\"]}");

    assertThat(body.get("object")).isEqualTo("list");
    assertThat(body.get("model")).isEqualTo("text-embedding-3-small");
    float[] hello = floats(path(body, "data", 0, "embedding"));
    float[] world = floats(path(body, "data", 1, "embedding"));
    assertThat(hello).hasSize(1536);
    assertThat(hello).isEqualTo(FakeEmbeddingsPort.vector("text-embedding-3-small", "hello", null));
    assertThat(floats(path(body, "data", 2, "embedding"))).isEqualTo(hello);
    assertThat(world).isNotEqualTo(hello);
    double norm = 0;
    for (float value : hello) {
      norm += value * value;
    }
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(path(body, "data", 1, "index")).isEqualTo(BigDecimal.ONE);
    assertThat(path(body, "data", 1, "object")).isEqualTo("embedding");
  }

  @Test
  void sendsTheSameVectorsAsLittleEndianFloat32ForBase64() {
    String request = "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]";
    Map<?, ?> floats = embed(request + "}");
    Map<?, ?> base64 = embed(request + ",\"encoding_format\":\"base64\"}");

    for (int i = 0; i < 2; i++) {
      assertThat(base64(path(base64, "data", i, "embedding")))
          .isEqualTo(floats(path(floats, "data", i, "embedding")));
    }
  }

  @ParameterizedTest
  @CsvSource({"text-embedding-3-small,1536", "text-embedding-3-large,3072",
      "text-embedding-ada-002,1536", "some-local-model,1536"})
  void usesTheModelsOwnDimensions(String model, int dimensions) {
    Map<?, ?> body = embed("{\"model\":\"" + model + "\",\"input\":\"x\"}");

    assertThat((List<?>) path(body, "data", 0, "embedding")).hasSize(dimensions);
  }

  @Test
  void honoursDimensionsByHashingTheSameWordsIntoFewer() {
    Map<?, ?> body =
        embed(
            "{\"model\":\"text-embedding-3-large\",\"input\":\"red apples\","
                + "\"dimensions\":256}");

    float[] vector = floats(path(body, "data", 0, "embedding"));
    assertThat(vector)
        .hasSize(256)
        .isEqualTo(FakeEmbeddingsPort.vector("text-embedding-3-large", "red apples", 256));
    // Two words, two dimensions of +-1/sqrt(2) (unless they collide); every other is zero.
    long nonZero = 0;
    for (float value : vector) {
      nonZero += value == 0 ? 0 : 1;
    }
    assertThat(nonZero).isBetween(1L, 2L);
  }

  @Test
  void givesTextsSharingWordsSimilarVectorsOverTheWire() {
    Map<?, ?> body =
        embed(
            "{\"model\":\"text-embedding-3-small\",\"encoding_format\":\"base64\",\"input\":["
                + "\"How do I reset my password?\",\"To reset your password, open Settings.\","
                + "\"Our office opens at nine.\"]}");

    float[] question = base64(path(body, "data", 0, "embedding"));
    float[] answer = base64(path(body, "data", 1, "embedding"));
    float[] other = base64(path(body, "data", 2, "embedding"));
    assertThat(cosine(question, answer)).isGreaterThan(0.5);
    assertThat(cosine(question, other)).isLessThan(0.1);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot;
  }

  @Test
  void countsAboutFourCharactersATokenAndAtLeastOnePerInput() {
    Map<?, ?> body =
        embed("{\"model\":\"m\",\"input\":[\"a\",\"twelve chars\",\"thirteen char\"]}");

    // 1 + 3 + 4
    assertThat(path(body, "usage", "prompt_tokens")).isEqualTo(new BigDecimal(8));
    assertThat(path(body, "usage", "total_tokens")).isEqualTo(new BigDecimal(8));
  }

  @Test
  void rejectsWhatOpenAiRejectsNamingTheParam() {
    List<String> tooMany = new ArrayList<>(Collections.nCopies(2049, "x"));
    String[][] cases = {
      {"{\"model\":\"m\",\"input\":[]}", "input"},
      {"{\"model\":\"m\",\"input\":[\"ok\",\"\"]}", "input"},
      {"{\"model\":\"m\",\"input\":\"\"}", "input"},
      {Json.write(Json.object("model", "m", "input", tooMany)), "input"},
      {"{\"model\":\"m\"}", "input"},
      {"{\"input\":\"x\"}", "model"},
      {"{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format"},
      {"{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}", "dimensions"},
      {"{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}", "dimensions"},
    };
    for (String[] c : cases) {
      HttpResponse<String> response = client.send("POST", "/v1/embeddings", c[0], "sk-test");

      assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
      Map<?, ?> error = (Map<?, ?>) Json.parse(response.body());
      assertThat(path(error, "error", "type")).isEqualTo("invalid_request_error");
      assertThat(path(error, "error", "param")).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void acceptsExactly2048Inputs() {
    List<String> inputs = new ArrayList<>(Collections.nCopies(2048, "x"));

    Map<?, ?> body =
        embed(
            Json.write(
                Json.object("model", "m", "input", inputs, "dimensions", 4,
                    "encoding_format", "base64")));

    assertThat((List<?>) body.get("data")).hasSize(2048);
  }

  @Test
  void requiresAKeyAndPost() {
    assertThat(client.send("POST", "/v1/embeddings", "{}", null).statusCode()).isEqualTo(401);
    assertThat(client.send("GET", "/v1/embeddings", "", "sk").statusCode()).isEqualTo(405);
  }

  @Test
  void scriptedFaultsAnswerEmbeddingsRequestsToo() {
    server.enqueue(FakeResponse.error(503, "server_error", null, "Overloaded"));

    HttpResponse<String> first =
        client.send("POST", "/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}", "sk");
    HttpResponse<String> second =
        client.send("POST", "/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}", "sk");

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9998");
  }
}
