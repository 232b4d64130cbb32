package dev.openaiconnector.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of ARCHITECTURE.md, checked on the production classes of every module.
 * Each rule first checks that it sees enough classes, so that a rule cannot pass on an empty
 * import (a renamed package, a module missing from this module's dependencies).
 */
class HexagonRulesTest {
  private static final String ROOT = "dev.openaiconnector";
  private static final String API = ROOT + ".api..";
  private static final String SPI = ROOT + ".spi..";
  private static final String CORE = ROOT + ".core..";
  private static final String OPENAI = ROOT + ".openai..";
  private static final String TESTKIT = ROOT + ".testkit..";
  private static final String AZURE = ROOT + ".azure..";
  private static final String PGVECTOR = ROOT + ".knowledge.pgvector..";

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  private static JavaClasses atLeast(int floor, String... packages) {
    JavaClasses imported = production.that(resideInAnyPackage(packages));
    assertThat(imported.size())
        .as("classes imported from %s (a rule on fewer would prove nothing)", List.of(packages))
        .isGreaterThanOrEqualTo(floor);
    return imported;
  }

  @Test
  void apiAndSpiUseOnlyTheJdkAndJSpecify() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "org.jspecify.annotations..", API, SPI)
        .check(atLeast(40, API, SPI));
  }

  @Test
  void coreKnowsNoProviderAndNoFeign() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(OPENAI, AZURE, PGVECTOR, "feign..", TESTKIT)
        .check(atLeast(5, CORE));
  }

  @Test
  void onlyTheMetricsListenerUsesTheOptionalMicrometer() {
    // Micrometer is an optional dependency: a class that touched it outside GenAiMetrics would
    // fail with NoClassDefFoundError in applications without it.
    noClasses()
        .that()
        .haveNameNotMatching("dev\\.openaiconnector\\.core\\.GenAiMetrics(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.micrometer..")
        .check(production);
  }

  @Test
  void providersNeverImportCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE, PGVECTOR, TESTKIT)
        .check(atLeast(8, OPENAI, AZURE));
  }

  @Test
  void azureBuildsOnTheOpenAiBuildingBlockOnly() {
    // The public OpenAI-compatible block is the contract; its internals, Feign and the wire
    // DTOs may change without notice.
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(OPENAI + "internal..", "feign..", CORE, TESTKIT)
        .check(atLeast(5, AZURE));
  }

  @Test
  void portsNeverImportCoreOrAdapters() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE, OPENAI, AZURE, PGVECTOR, TESTKIT)
        .check(atLeast(40, API, SPI));
  }

  @Test
  void testkitBuildsOnThePortsOnly() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE, OPENAI, AZURE, PGVECTOR, "feign..", "com.fasterxml.jackson..")
        .check(atLeast(4, TESTKIT));
  }

  @Test
  void pgvectorKnowledgeBaseUsesOnlyTheApiAndJdbc() {
    // Plain JDBC: no pgvector-java, no JSON library, no core. The application brings the
    // PostgreSQL driver with its DataSource; java.sql and javax.sql come with the JDK.
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax.sql..", "org.jspecify.annotations..", API, PGVECTOR)
        .check(atLeast(6, PGVECTOR));
  }

  @Test
  void internalPackagesStayInTheirModule() {
    atLeast(5, OPENAI + "internal..");
    for (String module : new String[] {"core", "openai", "azure", "testkit"}) {
      String internal = ROOT + "." + module + ".internal..";
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + "." + module + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(internal)
          .check(production);
    }
  }

  @Test
  void modulesHaveNoCycles() {
    assertThat(production.size()).isGreaterThanOrEqualTo(70);

    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
  }
}
