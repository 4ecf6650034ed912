package org.senderroute.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxCall;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several files of the inbox in flight at once ({@code sender.inbox.files-in-flight}): the next file's calls start
 * while the last calls of the one before are still answered, the calls in flight stay bounded over all files, and
 * every record of every file still ends in exactly one output.
 */
class FilesInFlightTest extends SandboxRouteTest {

    /** Small batches, two calls in flight at most, each answered after 250 ms: a file of 300 records takes 7.5 s at least. */
    private static final Map<String, String> SLOW_CALLS = Map.of("sender.batch.size", "5",
            "sender.http.max-concurrent-calls", "2");

    private static Set<String> senders(int first, int count) {
        return IntStream.range(first, first + count).mapToObj(SenderFiles::sender).collect(Collectors.toSet());
    }

    @Test
    void theNextFileIsCalledForWhileTheFirstOneIsStillSettled() {
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(250)), SLOW_CALLS);
        app.drop("first.csv", SenderFiles.csv(1, 300));
        app.drop("second.csv", SenderFiles.csv(5001, 20));

        assertThat(app.awaitTaken("first.csv", Duration.ofSeconds(120))).hasParent(app.inbox().resolve(".done"));
        assertThat(app.awaitTaken("second.csv", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".done"));

        List<SandboxCall> calls = sandbox.calls();
        Set<String> first = senders(1, 300);
        Set<String> second = senders(5001, 20);
        long secondStarts = calls.stream().filter(c -> second.contains(c.firstSender()))
                .mapToLong(SandboxCall::arrived).min().orElseThrow();
        long firstEnds = calls.stream().filter(c -> first.contains(c.firstSender()))
                .mapToLong(SandboxCall::arrived).max().orElseThrow();
        assertThat(secondStarts).as("the second file's first call arrives before the first file's last call")
                .isLessThan(firstEnds);
        assertThat(calls).hasSize(64);
        assertThat(sandbox.maxConcurrentPosts()).as("calls in flight over both files").isLessThanOrEqualTo(2);
        app.assertEveryRecordOnce("first", 300);
        app.assertEveryRecordOnce("second", 20);
        assertThat(app.failureRows("first")).isEmpty();
        assertThat(app.failureRows("second")).isEmpty();
    }

    @Test
    void oneFileInFlightTakesTheNextFileOnlyOnceTheFirstIsOver() {
        Map<String, String> settings = new java.util.HashMap<>(SLOW_CALLS);
        settings.put("sender.inbox.files-in-flight", "1");
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(100)), settings);
        app.drop("first.csv", SenderFiles.csv(1, 60));
        app.drop("second.csv", SenderFiles.csv(5001, 20));

        assertThat(app.awaitTaken("first.csv", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".done"));
        assertThat(app.awaitTaken("second.csv", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".done"));

        List<SandboxCall> calls = sandbox.calls();
        Set<String> second = senders(5001, 20);
        long secondStarts = calls.stream().filter(c -> second.contains(c.firstSender()))
                .mapToLong(SandboxCall::arrived).min().orElseThrow();
        long firstAnswered = calls.stream().filter(c -> senders(1, 60).contains(c.firstSender()))
                .mapToLong(SandboxCall::answered).max().orElseThrow();
        assertThat(secondStarts).isGreaterThan(firstAnswered);
        app.assertEveryRecordOnce("first", 60);
        app.assertEveryRecordOnce("second", 20);
    }

    /**
     * The same senders in two files in flight: a sender one file's batch is sending waits for that batch, then the
     * ledger tells the other file it was registered; none is sent twice (no "Already exist").
     */
    @ParameterizedTest
    @ValueSource(strings = {"journal", "jdbc"})
    void theSameSendersInTwoFilesAreEachCreatedOnce(String store) {
        Map<String, String> settings = new java.util.HashMap<>(SLOW_CALLS);
        settings.put("sender.ledger.store", store);
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(200)), settings);
        String records = SenderFiles.csv(1, 100);
        app.drop("monday.csv", records);
        app.drop("tuesday.csv", records);

        assertThat(app.awaitTaken("monday.csv", Duration.ofSeconds(120))).hasParent(app.inbox().resolve(".done"));
        assertThat(app.awaitTaken("tuesday.csv", Duration.ofSeconds(120))).hasParent(app.inbox().resolve(".done"));

        assertThat(sandbox.createdCount()).isEqualTo(100);
        assertThat(app.failureRows("monday")).isEmpty();
        assertThat(app.failureRows("tuesday")).isEmpty();
        app.assertEveryRecordOnce("monday", 100);
        app.assertEveryRecordOnce("tuesday", 100);
        // every sender went out once: a call of one file never carried a sender of a call of the other
        assertThat(sandbox.requestSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    }

    @Test
    void aBadFileBesideAGoodOneGoesToErrorAndTheGoodOneCompletes() {
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(100)), SLOW_CALLS);
        app.drop("good.csv", SenderFiles.csv(1, 100));
        app.drop("broken.json", "[{\"sender\":\"BROKEA\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"},"
                + "{\"sender\":\"BROKEB\",\"descr");
        app.drop("empty.csv", "");

        assertThat(app.awaitTaken("broken.json", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".error"));
        assertThat(app.awaitTaken("empty.csv", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".error"));
        assertThat(app.awaitTaken("good.csv", Duration.ofSeconds(60))).hasParent(app.inbox().resolve(".done"));

        app.assertEveryRecordOnce("good", 100);
        assertThat(app.failureRows("good")).isEmpty();
        assertThat(app.failureRows("broken")).singleElement()
                .satisfies(r -> assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE"));
        assertThat(app.failureRows("empty")).singleElement()
                .satisfies(r -> assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE"));
        assertThat(sandbox.createdCount()).isEqualTo(100);
    }

    @Test
    void onceEndsOnlyWhenEveryFileInFlightIsDelivered() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(100))).start();
        Properties p = RouteHarness.defaults(dir, sandbox);
        SLOW_CALLS.forEach(p::setProperty);
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.inbox.files-in-flight", "2");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("one.csv"), SenderFiles.csv(1, 40));
        Files.writeString(inbox.resolve("two.csv"), SenderFiles.csv(1001, 40));
        Files.writeString(inbox.resolve("three.csv"), SenderFiles.csv(2001, 40));

        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<OnceRun> run = CompletableFuture.supplyAsync(() -> OnceRun.of(p));
            await().atMost(Duration.ofSeconds(120)).until(run::isDone);
            assertThat(run.get().exitCode()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains("All files:")).singleElement().asString()
                    .contains("3 files, 120 records, 120 succeeded, 0 failed");
        }
        for (String name : List.of("one", "two", "three")) {
            assertThat(inbox.resolve(".done/" + name + ".csv")).exists();
            assertThat(Outputs.rows(dir.resolve("success"), name)).hasSize(40);
        }
        assertThat(sandbox.createdCount()).isEqualTo(120);
    }

    @Test
    void aStopWithTwoFilesInFlightLosesNothingAndTheRestartFinishesBoth() {
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(250)), SLOW_CALLS);
        app.drop("first.csv", SenderFiles.csv(1, 100));
        app.drop("second.csv", SenderFiles.csv(5001, 100));
        Set<String> second = senders(5001, 100);
        // both files in flight: a call of the second file has arrived, and the first file is not finished
        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.calls().stream()
                .anyMatch(c -> second.contains(c.firstSender())));
        assertThat(app.inbox().resolve("first.csv")).exists();

        app.stop();
        // the stop interrupted both: they stay in the inbox, to be taken again
        assertThat(app.inbox().resolve("first.csv")).exists();
        assertThat(app.inbox().resolve("second.csv")).exists();
        int callsBeforeRestart = sandbox.postCalls();
        app = RouteHarness.start(dir, sandbox, SLOW_CALLS);

        assertThat(app.awaitTaken("first.csv", Duration.ofSeconds(120))).hasParent(app.inbox().resolve(".done"));
        assertThat(app.awaitTaken("second.csv", Duration.ofSeconds(120))).hasParent(app.inbox().resolve(".done"));
        app.assertEveryRecordOnce("first", 100);
        app.assertEveryRecordOnce("second", 100);
        assertThat(app.failureRows("first")).isEmpty();
        assertThat(app.failureRows("second")).isEmpty();
        // each sender created once; what was created before the stop is not sent again
        assertThat(sandbox.createdCount()).isEqualTo(200);
        assertThat(sandbox.postCalls()).as("calls in all").isEqualTo(40);
        assertThat(callsBeforeRestart).isPositive();
    }
}
