package org.senderroute.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What reaches an output cell: any text that can be read can be written, text Kaleyra cannot be sent is refused
 * before sending, and a cell a spreadsheet would run as a formula is guarded, yet read back as the partner wrote it.
 */
class OutputCellsTest extends SandboxRouteTest {

    @Test
    void aLoneSurrogateIsRefusedBeforeSendingAndItsFailureRowIsWritten() {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("lone.json", """
                [{"sender":"LONESR","description":"lone \\ud800 surrogate","iso_code":"in","entity_id":"123456789012"},
                 {"sender":"GOODSR","description":"fine","iso_code":"in","entity_id":"123456789012"}]
                """);

        assertThat(app.awaitTaken("lone.json")).hasParent(app.inbox().resolve(".done"));
        assertThat(app.failureRows("lone")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("1");
            assertThat(r.get("error_code")).isEqualTo("INVALID_TEXT");
            assertThat(r.get("error_message")).contains("description", "unpaired UTF-16 surrogate", "position 6");
            assertThat(r.get("description")).isEqualTo("lone \uFFFD surrogate");
        });
        assertThat(sandbox.find("in", "LONESR")).isEmpty();
        assertThat(app.successRows("lone")).extracting(r -> r.get("sender")).containsExactly("GOODSR");
        app.assertEveryRecordOnce("lone", 2);
    }

    @Test
    void aParseErrorQuotingHalfAnEmojiIsWritten() {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("emoji.jsonl", "{\uD83C\uDDE8\uD83C\uDDED}\n"
                + "{\"sender\":\"GOODSR\",\"description\":\"fine\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}\n");

        assertThat(app.awaitTaken("emoji.jsonl")).hasParent(app.inbox().resolve(".done"));
        assertThat(app.failureRows("emoji")).singleElement().satisfies(r -> {
            assertThat(r.get("record")).isEqualTo("1");
            assertThat(r.get("error_code")).isEqualTo("PARSE_ERROR");
        });
        app.assertEveryRecordOnce("emoji", 2);
    }

    private static final List<String> FORMULAS = List.of("=HYPERLINK(\"http://example.com/x\",\"click\")", "+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1)", "'=x", "''+y", "'plain", "plain", "-0");

    private static String csvOf(List<String> descriptions) {
        StringBuilder csv = new StringBuilder("sender,description,iso_code,entity_id\n");
        for (int i = 0; i < descriptions.size(); i++) {
            csv.append(SenderFiles.sender(i + 1)).append(",\"").append(descriptions.get(i).replace("\"", "\"\""))
                    .append("\",in,").append(100000000000L + i).append('\n');
        }
        return csv.toString();
    }

    @Test
    void formulasAreGuardedInTheFailureFileWhichDroppedAgainSendsWhatThePartnerWrote() throws Exception {
        start(SandboxSettings.defaults(), Map.of("sender.http.retry.max-attempts", "1"));
        sandbox.faults().failNext(1, 503, null, null);
        app.drop("formulas.csv", csvOf(FORMULAS));
        app.awaitTaken("formulas.csv");

        Path failureFile = Outputs.files(app.failureDir(), "formulas").get(0);
        Map<String, String> written = RouteHarness.byRecord(app.failureRows("formulas"), "description");
        assertThat(written).containsEntry("1", "'=HYPERLINK(\"http://example.com/x\",\"click\")").containsEntry("2", "'+cmd|' /C calc'!A0")
                .containsEntry("3", "'-2+3").containsEntry("4", "'@SUM(1)").containsEntry("5", "''=x")
                .containsEntry("6", "'''+y").containsEntry("7", "'plain").containsEntry("8", "plain")
                .containsEntry("9", "-0");
        assertThat(sandbox.createdCount()).isZero();

        // the failure file dropped again as it is
        String name = failureFile.getFileName().toString();
        app.drop(name, Files.readAllBytes(failureFile));
        assertThat(app.awaitTaken(name)).hasParent(app.inbox().resolve(".done"));

        assertThat(sandbox.createdCount()).isEqualTo(FORMULAS.size());
        for (int i = 0; i < FORMULAS.size(); i++) {
            assertThat(sandbox.find("in", SenderFiles.sender(i + 1)).orElseThrow().description()).isEqualTo(FORMULAS.get(i));
        }
    }

    @Test
    void aPartnersOwnFileIsReadAsWrittenAndGuardingCanBeSwitchedOff() {
        start(SandboxSettings.defaults(), Map.of("sender.output.guard-formulas", "false"));
        app.drop("own.csv", csvOf(List.of("'=x", "=1+2")));
        app.awaitTaken("own.csv");

        assertThat(sandbox.find("in", SenderFiles.sender(1)).orElseThrow().description()).isEqualTo("'=x");
        assertThat(RouteHarness.byRecord(app.successRows("own"), "description")).containsEntry("1", "'=x")
                .containsEntry("2", "=1+2");
    }
}
