package org.senderroute.route;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.testsupport.RouteHarness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Every validation rule, applied before anything leaves the machine, and the rules' configuration. */
class ValidationTest {

    private static final String FILE = """
            sender,description,iso_code,entity_id
            GOOD01,valid,in,123456789012
            ,missing sender,in,123456789012
            MISSDE,,in,123456789012
            MISSIS,missing iso,,123456789012
            BADISO,unknown iso,xx,123456789012
            SEVEN77,seven characters,in,123456789012
            BAD-01,not alphanumeric,in,123456789012
            NOENTY,no entity,in,
            SHORTE,short entity,in,12345678901
            LETTER,letters in entity,in,12345678901A
            LONGEN,31 digits,in,1234567890123456789012345678901
            GOOD01,duplicate of record 1,IN,123456789012
            GOOD01,same sender other country,gb,
            """;

    @TempDir
    Path dir;
    KaleyraSandbox sandbox = new KaleyraSandbox().start();
    RouteHarness app;

    @AfterEach
    void stop() {
        app.close();
        sandbox.close();
    }

    @Test
    void recordsKaleyraWouldRejectNeverLeaveTheMachine() {
        app = RouteHarness.start(dir, sandbox, Map.of());
        app.drop("rules.csv", FILE);
        app.awaitTaken("rules.csv");

        assertThat(RouteHarness.byRecord(app.failureRows("rules"), "error_code")).containsOnly(
                entry("2", "MISSING_SENDER"),
                entry("3", "MISSING_DESCRIPTION"),
                entry("4", "MISSING_ISO_CODE"),
                entry("5", "INVALID_ISO_CODE"),
                entry("6", "INVALID_SENDER"),
                entry("7", "INVALID_SENDER"),
                entry("8", "MISSING_ENTITY_ID"),
                entry("9", "INVALID_ENTITY_ID"),
                entry("10", "INVALID_ENTITY_ID"),
                entry("11", "INVALID_ENTITY_ID"),
                entry("12", "DUPLICATE_IN_FILE"));
        assertThat(RouteHarness.byRecord(app.successRows("rules"), "sender")).containsOnly(entry("1", "GOOD01"),
                entry("13", "GOOD01"));
        assertThat(sandbox.requestSizes()).containsExactly(2);
        assertThat(RouteHarness.byRecord(app.failureRows("rules"), "error_message").get("6"))
                .isEqualTo("sender 'SEVEN77' (7 characters) must be exactly 6 letters or digits for iso_code in");
        app.assertEveryRecordOnce("rules", 13);
    }

    @Test
    void anOperatorCanRelaxOrTightenTheRulesPerCountry() {
        app = RouteHarness.start(dir, sandbox, Map.of(
                "sender.rules.in.sender-pattern", "[A-Za-z]{3,8}",
                "sender.rules.in.sender-hint", "3 to 8 letters",
                "sender.rules.gb.sender-pattern", "(?=.*[A-Za-z])[A-Za-z0-9]{1,11}",
                "sender.rules.iso-codes", "in,gb"));
        app.drop("relaxed.csv", """
                sender,description,iso_code,entity_id
                SEVENAA,seven letters,in,123456789012
                123456,digits only,gb,
                ACME,us is not accepted here,us,
                """);
        app.awaitTaken("relaxed.csv");
        assertThat(RouteHarness.byRecord(app.failureRows("relaxed"), "error_code")).containsOnly(
                entry("1", "MSG134"), entry("2", "INVALID_SENDER"), entry("3", "INVALID_ISO_CODE"));
        assertThat(RouteHarness.byRecord(app.failureRows("relaxed"), "error_message").get("1"))
                .as("the sandbox keeps Kaleyra's own rule").contains("6 character");
    }
}
