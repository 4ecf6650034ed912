package org.senderroute;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages form layers: the stages of a file (intake, validate, batch, kaleyra, deliver), each using only stages
 * before it, the ledger, the meters (observe), the shared domain and the general helpers (support). The domain uses
 * only the helpers, and the helpers nothing. The configuration wires them all; the sandbox, a stand-in for Kaleyra,
 * uses nothing of the module. The dry run reads and validates as the stages do, and only reads the ledger.
 */
@AnalyzeClasses(packages = "org.senderroute", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule LAYERS = layeredArchitecture()
            .consideringOnlyDependenciesInAnyPackage("org.senderroute..")
            .layer("Application").definedBy("org.senderroute")
            .layer("Config").definedBy("org.senderroute.config..")
            .layer("Sandbox").definedBy("org.senderroute.sandbox..")
            .layer("DryRun").definedBy("org.senderroute.dryrun..")
            .layer("Deliver").definedBy("org.senderroute.deliver..")
            .layer("Kaleyra").definedBy("org.senderroute.kaleyra..")
            .layer("Batch").definedBy("org.senderroute.batch..")
            .layer("Validate").definedBy("org.senderroute.validate..")
            .layer("Intake").definedBy("org.senderroute.intake..")
            .layer("Ledger").definedBy("org.senderroute.ledger..")
            .layer("Domain").definedBy("org.senderroute.domain..")
            .layer("Observe").definedBy("org.senderroute.observe..")
            .layer("Support").definedBy("org.senderroute.support..")
            .ensureAllClassesAreContainedInArchitecture()

            .whereLayer("Application").mayNotBeAccessedByAnyLayer()
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Application")
            .whereLayer("Sandbox").mayOnlyBeAccessedByLayers("Config")
            .whereLayer("Sandbox").mayNotAccessAnyLayer()
            .whereLayer("DryRun").mayOnlyBeAccessedByLayers("Application", "Config")
            .whereLayer("DryRun").mayOnlyAccessLayers("Kaleyra", "Validate", "Intake", "Ledger", "Domain", "Support")
            .whereLayer("Deliver").mayOnlyAccessLayers("Kaleyra", "Intake", "Ledger", "Domain", "Observe", "Support")
            .whereLayer("Kaleyra").mayOnlyAccessLayers("Batch", "Ledger", "Domain", "Observe", "Support")
            .whereLayer("Batch").mayOnlyAccessLayers("Validate", "Intake", "Domain", "Observe", "Support")
            .whereLayer("Validate").mayOnlyAccessLayers("Domain", "Support")
            .whereLayer("Intake").mayOnlyAccessLayers("Domain", "Support")
            .whereLayer("Ledger").mayOnlyAccessLayers("Domain", "Support")
            .whereLayer("Observe").mayOnlyAccessLayers("Domain")
            .whereLayer("Domain").mayOnlyAccessLayers("Support")
            .whereLayer("Support").mayNotAccessAnyLayer();

    @ArchTest
    static final ArchRule SANDBOX_STANDS_ALONE = noClasses().that().resideInAPackage("org.senderroute.sandbox..")
            .should().dependOnClassesThat(resideInAPackage("org.senderroute..")
                    .and(resideOutsideOfPackage("org.senderroute.sandbox..")))
            .because("the sandbox plays Kaleyra: it knows the API, not the module");

    @ArchTest
    static final ArchRule NO_CYCLES = slices().matching("org.senderroute.(*)..").should().beFreeOfCycles();

    /** One name, one place: no two top-level classes of the module share a simple name. */
    @ArchTest
    static void noTwoClassesShareAName(JavaClasses classes) {
        Map<String, List<String>> byName = classes.stream().filter(JavaClass::isTopLevelClass)
                .collect(Collectors.groupingBy(JavaClass::getSimpleName,
                        Collectors.mapping(JavaClass::getName, Collectors.toList())));
        byName.values().removeIf(holders -> holders.size() == 1);
        assertThat(byName).as("simple names held by more than one class").isEmpty();
    }
}
