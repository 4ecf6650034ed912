package org.senderroute.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.JarProcess;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The built jar killed with SIGKILL, or stopped with SIGTERM, in the middle of a large file, then started again:
 * every record ends exactly once across the two outputs and no sender is created twice. The sandbox runs in this
 * JVM so that it outlives the module's process.
 */
class CrashAndStopIT {

    private static final int RECORDS = 20_000;

    @TempDir
    Path workDir;
    KaleyraSandbox sandbox;

    @BeforeEach
    void startSandbox() {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(100))).start();
    }

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = JarProcess.environmentFor(sandbox);
        env.put("SENDER_BATCH_SIZE", "250");
        env.put("SENDER_HTTP_MAX_CONCURRENT_CALLS", "2");
        env.put("SENDER_HTTP_MAX_REQUESTS_PER_SECOND", "1000");
        env.put("SENDER_INBOX_MIN_AGE", "0");
        env.put("SENDER_INBOX_POLL_DELAY", "200");
        env.put("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "20");
        env.put("SENDER_LEDGER_FLUSH_EVERY", "500");
        env.put("CAMEL_MANAGEMENT_ENABLED", "false");
        return env;
    }

    private void dropLargeFile() throws Exception {
        Path inbox = workDir.resolve("data/inbox");
        Files.createDirectories(inbox);
        Path staging = workDir.resolve("big.csv.tmp");
        Files.writeString(staging, SenderFiles.csv(RECORDS));
        Files.move(staging, inbox.resolve("big.csv"));
    }

    private void assertEveryRecordOnceAndNothingCreatedTwice() {
        List<Map<String, String>> created = Outputs.rows(workDir.resolve("data/output/success"), "big");
        List<Map<String, String>> failed = Outputs.rows(workDir.resolve("data/output/failure"), "big");
        assertThat(failed).as("no success turned into a failure").isEmpty();
        assertThat(created).hasSize(RECORDS);
        assertThat(created.stream().map(r -> r.get("record")).distinct().count()).isEqualTo(RECORDS);
        assertThat(sandbox.createdCount()).isEqualTo(RECORDS);
        assertThat(sandbox.registered().stream().map(s -> s.sender() + s.isoCode()).distinct().count())
                .isEqualTo(sandbox.registered().size());
        assertThat(workDir.resolve("data/inbox/.done/big.csv")).exists();
    }

    @Test
    void killedMidFileThenRestarted() throws Exception {
        dropLargeFile();
        JarProcess first = JarProcess.start(workDir, environment());
        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.createdCount() >= RECORDS / 4);
        first.process().destroyForcibly();
        assertThat(first.waitFor(20)).isTrue();
        assertThat(sandbox.createdCount()).as("killed half-way").isLessThan(RECORDS);
        assertThat(Outputs.files(workDir.resolve("data/output/success"), "big")).as("nothing delivered yet").isEmpty();

        JarProcess second = JarProcess.start(workDir, environment(), "--once");
        assertThat(second.waitFor(120)).isTrue();
        assertThat(second.exitValue()).as(second.output()).isZero();
        assertEveryRecordOnceAndNothingCreatedTwice();
        assertThat(Outputs.rows(workDir.resolve("data/output/success"), "big"))
                .anySatisfy(r -> assertThat(r.get("message")).startsWith("registered earlier by this module"));
    }

    @Test
    void stoppedWithSigtermFinishesTheBatchesInFlightAndLeavesTheRest() throws Exception {
        dropLargeFile();
        JarProcess first = JarProcess.start(workDir, environment());
        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.createdCount() >= RECORDS / 4);
        long stopAsked = System.nanoTime();
        first.process().destroy();
        assertThat(first.waitFor(30)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAsked)).isLessThan(Duration.ofSeconds(20));
        assertThat(first.output()).contains("left in the inbox to be taken again at the next start");
        assertThat(workDir.resolve("data/inbox/big.csv")).as("left for the next start").exists();
        int createdBeforeRestart = sandbox.createdCount();
        assertThat(createdBeforeRestart).isLessThan(RECORDS).isEqualTo(sandbox.postCalls() * 250);

        JarProcess second = JarProcess.start(workDir, environment(), "--once");
        assertThat(second.waitFor(120)).isTrue();
        assertThat(second.exitValue()).as(second.output()).isZero();
        assertEveryRecordOnceAndNothingCreatedTwice();
    }
}
