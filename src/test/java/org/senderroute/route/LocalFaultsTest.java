package org.senderroute.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.ledger.JournalSenderLedger;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.RegisteredSender;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;
import org.senderroute.testsupport.SmallDisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fault of this machine (a full disk) is not a fault of Kaleyra: a reply once received is
 * never asked for again, the ledger keeps what Kaleyra said, the file fails (exit 4) and can be dropped again.
 */
class LocalFaultsTest {

    private static final int RECORDS = 2000;

    @TempDir
    Path dir;
    KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults().withPreRegistered(List.of())).start();

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** Settings of the ledger store under test (the journal by default). */
    protected Map<String, String> store() {
        return Map.of();
    }

    private Properties settings() {
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.batch.size", "500");
        store().forEach(p::setProperty);
        return p;
    }

    private void drop(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    }

    /** What the ledger holds for the sandbox's account, read once the run is over. */
    protected Map<String, LedgerEntry> ledger() throws Exception {
        try (JournalSenderLedger ledger = JournalSenderLedger.open(dir.resolve("ledger/ledger.journal"), false)) {
            return ledger.all(sandbox.settings().sid());
        }
    }

    /** No sender was sent twice, and every sender Kaleyra created is in the ledger with the id it gave. */
    private void assertEachSenderSentOnceAndItsIdKept() throws Exception {
        assertThat(sandbox.requestSizes().stream().mapToInt(Integer::intValue).sum()).as("senders sent")
                .isEqualTo(sandbox.createdCount());
        Map<String, LedgerEntry> ledger = ledger();
        for (RegisteredSender created : sandbox.registered()) {
            LedgerEntry entry = ledger.get(created.sender() + "|" + created.isoCode());
            assertThat(entry).as(created.sender()).isNotNull();
            assertThat(entry.created()).as(created.sender()).isTrue();
            assertThat(entry.kaleyraId()).as(created.sender()).isEqualTo(Long.toString(created.id()));
        }
    }

    @Test
    void aFullWorkDirectoryFailsTheFileWithoutCallingAgainAndTheFileDroppedAgainReportsEveryRecordOnce() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("work"), 2)) {
            // room for the table of senders seen (128 KB) and a few hundred success rows, not for 2,000
            disk.leaveFree(200 * 1024);
            drop(dir.resolve("inbox/a.csv"), SenderFiles.csv(RECORDS));

            OnceRun first = OnceRun.of(settings());

            assertThat(first.exitCode()).isEqualTo(4);
            assertThat(first.stderr()).contains("processing of a.csv failed", "cannot write " + disk.path(),
                    "No space left on device");
            assertThat(dir.resolve("inbox/.error/a.csv")).exists();
            assertThat(sandbox.createdCount()).as("senders created by the first run").isPositive();
            assertThat(sandbox.postCalls()).isEqualTo(sandbox.requestSizes().size());
            assertEachSenderSentOnceAndItsIdKept();

            disk.free();
            drop(dir.resolve("inbox/a.csv"), Files.readString(dir.resolve("inbox/.error/a.csv")));
            Files.delete(dir.resolve("inbox/.error/a.csv"));

            OnceRun again = OnceRun.of(settings());

            assertThat(again.exitCode()).as(again.stderr()).isZero();
            assertThat(sandbox.createdCount()).isEqualTo(RECORDS);
            assertEachSenderSentOnceAndItsIdKept();
            List<Map<String, String>> rows = Outputs.rows(dir.resolve("success"), "a");
            assertThat(rows).hasSize(RECORDS);
            assertThat(rows.stream().map(r -> r.get("record")).distinct()).hasSize(RECORDS);
            assertThat(rows).allSatisfy(r -> assertThat(r.get("kaleyra_id"))
                    .isEqualTo(Long.toString(sandbox.find("in", r.get("sender")).orElseThrow().id())));
            assertThat(Outputs.rows(dir.resolve("failure"), "a")).isEmpty();
        }
    }

    @Test
    void aNameTooLongForTheOutputNamesIsShortenedAndTheFileProcessedOnce() throws Exception {
        String name = "n".repeat(236) + ".csv";
        drop(dir.resolve("inbox").resolve(name), SenderFiles.csv(20));

        OnceRun run = OnceRun.of(settings());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(sandbox.postCalls()).isEqualTo(1);
        assertThat(sandbox.createdCount()).isEqualTo(20);
        assertEachSenderSentOnceAndItsIdKept();
        assertThat(dir.resolve("inbox/.done").resolve(name)).exists();
        try (java.util.stream.Stream<Path> outputs = Files.list(dir.resolve("success"))) {
            Path success = outputs.filter(f -> f.toString().endsWith(".success.csv")).findFirst().orElseThrow();
            assertThat(Files.readAllLines(success)).hasSize(1 + 20);
        }
    }

    @Test
    void aBatchWaitingToRetryWhenTheFileFailsLeavesItsSendersPendingAndTheyAreSuccessesWhenDroppedAgain() throws Exception {
        Properties p = settings();
        p.setProperty("sender.batch.size", "10");
        p.setProperty("sender.http.max-concurrent-calls", "2");
        p.setProperty("sender.http.response-timeout", "1000");
        p.setProperty("sender.http.retry.initial-delay", "3000");
        p.setProperty("sender.http.retry.max-delay", "3000");
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("work"), 1)) {
            // the first call creates its senders but is answered too late, so it waits to be retried; meanwhile the
            // rows of the other batches fill the disk and the file fails
            disk.leaveFree(160 * 1024);
            sandbox.faults().createThenAnswerLateNext(1, Duration.ofMillis(2500));
            drop(dir.resolve("inbox/a.csv"), SenderFiles.csv(RECORDS));

            OnceRun first = OnceRun.of(p);

            assertThat(first.exitCode()).as(first.stderr()).isEqualTo(4);
            assertThat(first.stderr()).contains("No space left on device");
            // a sender sent twice would have been answered "Already exist" and not created again
            assertThat(sandbox.requestSizes().stream().mapToInt(Integer::intValue).sum()).as("senders sent")
                    .isEqualTo(sandbox.createdCount());
            assertThat(ledger().values()).extracting(LedgerEntry::state)
                    .containsOnly(LedgerEntry.CREATED, LedgerEntry.PENDING).contains(LedgerEntry.PENDING);
            disk.free();
        }

        drop(dir.resolve("inbox/short.csv"), SenderFiles.csv(20));
        OnceRun again = OnceRun.of(settings());

        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(Outputs.rows(dir.resolve("failure"), "short")).isEmpty();
        assertThat(Outputs.rows(dir.resolve("success"), "short")).hasSize(20);
    }

    @Test
    void aFullScratchDiskFailsTheFileVisiblyInsteadOfHanging() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("work"), 1)) {
            // less room than the first table of senders seen takes
            disk.leaveFree(32 * 1024);
            drop(dir.resolve("inbox/a.csv"), SenderFiles.csv(20));

            CompletableFuture<OnceRun> run = CompletableFuture.supplyAsync(() -> OnceRun.of(settings()));
            await().atMost(Duration.ofSeconds(60)).until(run::isDone);

            assertThat(run.get().exitCode()).isEqualTo(4);
            assertThat(run.get().stderr()).contains("cannot write scratch file " + disk.path().resolve("scratch"),
                    "No space left on device");
            assertThat(sandbox.postCalls()).isZero();
            assertThat(dir.resolve("inbox/.error/a.csv")).exists();
            assertThat(Outputs.rows(dir.resolve("failure"), "a")).noneSatisfy(
                    r -> assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE"));
        }
    }
}
