package io.vigil.review;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.vaadin.flow.router.Route;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The web app is organised by feature (agents, sessions, security, ...). Features use each other
 * only through the public types at the top of each feature package, without cycles, and views stay
 * package-private so nothing outside their feature can reach around its service.
 */
class ModuleBoundariesTest {

    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vigil.review");

    @Test
    void featuresDependOnEachOtherOnlyThroughTheirPublicApiAndWithoutCycles() {
        ApplicationModules.of(VigilApplication.class).verify();
    }

    @Test
    void viewsArePackagePrivate() {
        classes().that().areAnnotatedWith(Route.class).should().notBePublic().check(APP);
    }

    @Test
    void theGatewayStaysFreeOfSpring() {
        classes()
                .that()
                .resideInAPackage("io.vigil.proxy..")
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackage("org.springframework..")
                .check(new ClassFileImporter().importPackages("io.vigil.proxy", "io.vigil.db"));
    }
}
