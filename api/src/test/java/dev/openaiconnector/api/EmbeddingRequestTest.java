package dev.openaiconnector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmbeddingRequestTest {
  static Stream<Arguments> invalidFields() {
    return Stream.of(
        invalid("blank model", b -> b.model(" "), "model must not be blank; set it with model("),
        invalid("no inputs", b -> b.inputs(List.of()), "inputs must not be empty; add the texts"),
        invalid(
            "null input",
            b -> b.inputs(Arrays.asList("a", null)),
            "inputs[1] is null; the API rejects empty inputs"),
        invalid(
            "empty input",
            b -> b.inputs(List.of("", "b")),
            "inputs[0] is blank; the API rejects empty inputs"),
        invalid(
            "blank input",
            b -> b.inputs(List.of("a", "b", " \t\n")),
            "inputs[2] is blank; the API rejects empty inputs"),
        invalid("dimensions 0", b -> b.dimensions(0), "dimensions must be positive, was 0"),
        invalid(
            "dimensions negative", b -> b.dimensions(-3), "dimensions must be positive, was -3"),
        invalid(
            "timeout zero", b -> b.timeout(Duration.ZERO), "timeout must be positive, was PT0S"),
        invalid(
            "timeout negative",
            b -> b.timeout(Duration.ofSeconds(-1)),
            "timeout must be positive, was PT-1S"),
        invalid("maxRetries negative", b -> b.maxRetries(-1), "maxRetries must be zero or more"));
  }

  private static Arguments invalid(
      String name, Consumer<EmbeddingRequest.Builder> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFields")
  void rejectsAnInvalidFieldNamingItAndWhatIsAllowed(
      String name, Consumer<EmbeddingRequest.Builder> change, String message) {
    EmbeddingRequest.Builder builder = valid();
    change.accept(builder);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .singleElement()
                    .satisfies(problem -> assertThat(problem).startsWith(message)));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    EmbeddingRequest.Builder builder =
        EmbeddingRequest.builder().inputs(Arrays.asList("a", null, " ")).dimensions(0);

    assertThatThrownBy(builder::build)
        .isInstanceOf(RequestValidationException.class)
        .satisfies(
            e ->
                assertThat(((RequestValidationException) e).problems())
                    .hasSize(4)
                    .anySatisfy(p -> assertThat(p).startsWith("model must not be blank"))
                    .anySatisfy(p -> assertThat(p).startsWith("inputs[1] is null"))
                    .anySatisfy(p -> assertThat(p).startsWith("inputs[2] is blank"))
                    .anySatisfy(p -> assertThat(p).startsWith("dimensions must be positive")));
  }

  @Test
  void namesTheFirstTenBadInputsAndCountsTheRest() {
    List<String> inputs = new ArrayList<>(Collections.nCopies(25, ""));
    inputs.set(0, "fine");

    assertThatThrownBy(() -> EmbeddingRequest.builder().model("m").inputs(inputs).build())
        .isInstanceOf(RequestValidationException.class)
        .satisfies(
            e -> {
              List<String> problems = ((RequestValidationException) e).problems();
              assertThat(problems).hasSize(11);
              assertThat(problems.get(0)).startsWith("inputs[1] is blank");
              assertThat(problems.get(9)).startsWith("inputs[10] is blank");
              assertThat(problems.get(10)).isEqualTo("and 14 more null or blank inputs");
            });
  }

  @Test
  void keepsTheValuesAndStripsTheModel() {
    EmbeddingRequest request =
        EmbeddingRequest.builder()
            .model(" text-embedding-3-small ")
            .inputs(List.of("a"))
            .input("b")
            .dimensions(256)
            .endUserId("user-1")
            .timeout(Duration.ofSeconds(9))
            .maxRetries(0)
            .build();

    assertThat(request.model()).isEqualTo("text-embedding-3-small");
    assertThat(request.inputs()).containsExactly("a", "b");
    assertThat(request.dimensions()).isEqualTo(256);
    assertThat(request.endUserId()).isEqualTo("user-1");
    assertThat(request.timeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(request.maxRetries()).isZero();
    assertThat(request.toBuilder().build()).hasToString(request.toString());
    assertThat(request.toBuilder().build().inputs()).isEqualTo(request.inputs());
  }

  @Test
  void copiesTheInputsSoLaterChangesDoNotLeakIn() {
    List<String> inputs = new ArrayList<>(List.of("a", "b"));
    EmbeddingRequest request = EmbeddingRequest.builder().model("m").inputs(inputs).build();

    inputs.add("c");

    assertThat(request.inputs()).containsExactly("a", "b");
    assertThatThrownBy(() -> request.inputs().add("d"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aSliceIsTheRequestForSomeOfItsInputs() {
    EmbeddingRequest request =
        EmbeddingRequest.builder()
            .model("m")
            .inputs(List.of("a", "b", "c", "d"))
            .dimensions(64)
            .endUserId("u")
            .build();

    EmbeddingRequest slice = request.slice(1, 3);

    assertThat(slice.inputs()).containsExactly("b", "c");
    assertThat(slice.model()).isEqualTo("m");
    assertThat(slice.dimensions()).isEqualTo(64);
    assertThat(slice.endUserId()).isEqualTo("u");
    assertThatThrownBy(() -> request.slice(2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> request.slice(-1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> request.slice(3, 5))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("slice [3, 5) of 4 inputs");
  }

  @Test
  void toStringLeavesTheInputsOut() {
    EmbeddingRequest request =
        EmbeddingRequest.builder().model("m").input("my secret diary").dimensions(8).build();

    assertThat(request)
        .hasToString("EmbeddingRequest[model=m, inputs=1, dimensions=8]")
        .asString()
        .doesNotContain("diary");
  }

  @Test
  void rejectsANullInputWhereItIsAppended() {
    assertThatThrownBy(() -> EmbeddingRequest.builder().input(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("input");
  }

  private static EmbeddingRequest.Builder valid() {
    return EmbeddingRequest.builder().model("text-embedding-3-small").input("hello");
  }
}
