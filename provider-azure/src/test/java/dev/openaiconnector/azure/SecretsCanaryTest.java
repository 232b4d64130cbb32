package dev.openaiconnector.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openaiconnector.api.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No secret, password or token in a toString() of this module's types. */
class SecretsCanaryTest {
  private static final String CANARY = "canary-7c1e-do-not-print";

  @TempDir Path directory;

  @Test
  void toStringsNeverShowSecrets() throws Exception {
    assertThat(AccessToken.of(CANARY, Instant.now()).toString()).doesNotContain(CANARY);
    assertThat(EntraCredential.clientSecret("tenant-1", "client-1", Secret.of(CANARY)).toString())
        .doesNotContain(CANARY);
    assertThat(
            EntraCredential.clientCertificate(
                    "tenant-1",
                    "client-1",
                    TestCertificates.create().writePkcs12(directory, CANARY),
                    Secret.of(CANARY))
                .toString())
        .doesNotContain(CANARY);
    assertThat(
            EntraCredential.appServiceManagedIdentity(
                    URI.create("http://127.0.0.1:1/msi"), Secret.of(CANARY), null)
                .toString())
        .doesNotContain(CANARY);
    try (AzureOpenAiProvider provider =
        AzureOpenAiProvider.builder()
            .endpoint("https://my-resource.openai.azure.com")
            .apiKey(CANARY)
            .build()) {
      assertThat(provider.toString()).doesNotContain(CANARY);
    }
    EntraCredential supplied =
        EntraCredential.tokenSupplier(() -> AccessToken.of(CANARY, Instant.now().plusSeconds(3600)));
    supplied.token();
    assertThat(supplied.toString()).doesNotContain(CANARY);
    assertThat(supplied.authentication().toString()).doesNotContain(CANARY);
  }
}
