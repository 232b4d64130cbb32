package dev.openaiconnector.showcase;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The showcase is application code: it must run unchanged against any provider, so it reaches
 * the library through the api and the core's public classes, and the fake server only to start it.
 */
class ShowcaseArchitectureTest {
  private static JavaClasses showcase;

  @BeforeAll
  static void importTheShowcase() {
    showcase =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.openaiconnector.showcase");
    // A rule on no classes proves nothing (a renamed package, say).
    assertThat(showcase.size()).as("classes of the showcase").isGreaterThanOrEqualTo(10);
  }

  @Test
  void usesNoInternalPackageOfTheLibrary() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.openaiconnector..internal..")
        .check(showcase);
  }

  @Test
  void talksToProvidersOnlyThroughTheConnector() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.openaiconnector.spi..",
            "dev.openaiconnector.openai..",
            "dev.openaiconnector.azure..")
        .check(showcase);
  }
}
