package org.senderroute.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** The application starting on its ledger journal: new beside earlier outputs, damaged, refused, or held by another. */
class LedgerJournalStartTest extends SandboxRouteTest {

    private Path journal() {
        return dir.resolve("ledger/ledger.journal");
    }

    private static List<String> newLedgerWarnings(LogCapture log) {
        return log.lines().stream().filter(l -> l.startsWith("WARN") && l.contains("is new, but")).toList();
    }

    @Test
    void aJournalDeletedWhileOutputsRemainIsToldInOneWarning() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of());
            app.drop("first.csv", SenderFiles.csv(3));
            app.awaitTaken("first.csv");
            app.stop();
            assertThat(newLedgerWarnings(log)).as("a first start, nothing written before").isEmpty();

            app = RouteHarness.start(dir, sandbox, Map.of());
            app.stop();
            assertThat(newLedgerWarnings(log)).as("a restart on the same journal").isEmpty();

            Files.delete(journal());
            app = RouteHarness.start(dir, sandbox, Map.of());
            assertThat(newLedgerWarnings(log)).singleElement().satisfies(w -> assertThat(w)
                    .contains("ledger journal " + journal(), app.successDir().toString(), "1 output file",
                            "\"Already exist\" failures", "sender.ledger.journal"));

            app.drop("again.csv", SenderFiles.csv(3));
            app.awaitTaken("again.csv");
            assertThat(app.failureRows("again")).as("what the warning said").hasSize(3)
                    .allSatisfy(r -> assertThat(r.get("error_message")).contains("Already exist"));
        }
    }

    @Test
    void aDamagedLineIsNamedAndTheApplicationStartsAndWorks() throws Exception {
        Files.createDirectories(journal().getParent());
        Files.writeString(journal(), """
                # kaleyra-sender-route ledger journal, version 1
                P\tNaN\tSANDBOXSID\t1700000000000\tf.csv\t%1$s|in
                C\tSANDBOXSID\t%1$s|in\tNaN\tf.csv\t41\t200 OK
                S\t1
                """.formatted(SenderFiles.sender(1)));
        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of());
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("damaged")).singleElement()
                    .satisfies(w -> assertThat(w).contains("ledger journal " + journal(), "2 damaged lines", "lines 2, 3"));
        }
        app.drop("after.csv", SenderFiles.csv(2));
        app.awaitTaken("after.csv");
        assertThat(app.successRows("after")).hasSize(2);
        app.assertEveryRecordOnce("after", 2);
    }

    @Test
    void aJournalThatIsRefusedIsNamed() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        Files.createDirectories(journal().getParent());
        Files.writeString(journal(), "# kaleyra-sender-route ledger journal, version 3\n");
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.csv"), SenderFiles.csv(2));
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");

        OnceRun run = OnceRun.of(p);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("the ledger journal " + journal(), "(sender.ledger.journal)", "version 3");
        assertThat(sandbox.postCalls()).isZero();
        assertThat(dir.resolve("inbox/a.csv")).exists();
        assertThat(journal()).hasContent("# kaleyra-sender-route ledger journal, version 3");
    }

    /** A second application on the journal of one running, its own drop and all: refused at once, sending nothing. */
    private OnceRun secondInstanceOnTheSameJournal() throws Exception {
        Path inbox = dir.resolve("second-inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("second.csv"), SenderFiles.csv(2));
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox", inbox.toString());
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.instance-id", "second-instance");
        return OnceRun.of(p);
    }

    @Test
    void aJournalThatARunningInstanceHoldsIsRefusedToASecondOneAndTheFirstGoesOn() throws Exception {
        start(SandboxSettings.defaults(), Map.of("sender.instance-id", "first-instance"));

        OnceRun second = secondInstanceOnTheSameJournal();

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr().lines().toList()).singleElement().satisfies(line -> assertThat(line).contains(
                "the ledger journal " + journal().toAbsolutePath() + " (sender.ledger.journal) is in use by another"
                        + " running instance (instance first-instance, process " + ProcessHandle.current().pid(),
                "one journal serves one instance: for several instances use sender.ledger.store=jdbc"));
        assertThat(sandbox.postCalls()).isZero();
        assertThat(dir.resolve("second-inbox/second.csv")).exists();

        app.drop("first.csv", SenderFiles.csv(3));
        app.awaitTaken("first.csv");
        assertThat(app.successRows("first")).hasSize(3);
        app.assertEveryRecordOnce("first", 3);
        assertThat(secondInstanceOnTheSameJournal().exitCode()).as("still held, refused again").isEqualTo(1);

        app.stop();
        OnceRun afterTheFirst = secondInstanceOnTheSameJournal();
        assertThat(afterTheFirst.exitCode()).as(afterTheFirst.stderr()).isZero();
        assertThat(dir.resolve("second-inbox/.done/second.csv")).exists();
    }

    @Test
    void aTemporaryJournalIsNeverShared() throws Exception {
        start(SandboxSettings.defaults(), Map.of("sender.ledger.journal", "temporary"));
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.ledger.journal", "temporary");
        p.setProperty("sender.inbox", dir.resolve("second-inbox").toString());
        Files.createDirectories(dir.resolve("second-inbox"));

        assertThat(OnceRun.of(p).exitCode()).isZero();
    }
}
