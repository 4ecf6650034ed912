package org.senderroute.route;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --once}: process what is in the drop, deliver, exit with a code that says how it went. */
class OnceModeTest {

    @TempDir
    Path dir;
    KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults().withPreRegistered("in:SX0001")).start();
    String stderr;

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private int runOnce(Properties overrides) {
        OnceRun run = OnceRun.of(overrides);
        stderr = run.stderr();
        return run.exitCode();
    }

    private Properties settings() throws Exception {
        Properties p = RouteHarness.defaults(dir, sandbox);
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.csv"), SenderFiles.csv(7));
        Files.writeString(dir.resolve("inbox/b.json"), "[{\"sender\":\"JSONBB\",\"description\":\"x\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}]");
        p.setProperty("sender.inbox.min-age", "0");
        return p;
    }

    @Test
    void exitsZeroWhenEveryRecordReachedAnOutput() throws Exception {
        assertThat(runOnce(settings())).isZero();
        assertThat(Outputs.rows(dir.resolve("success"), "a")).hasSize(6);
        assertThat(Outputs.rows(dir.resolve("failure"), "a")).singleElement()
                .satisfies(r -> assertThat(r.get("error_message")).isEqualTo("Sender ID Already exist."));
        assertThat(Outputs.rows(dir.resolve("success"), "b")).hasSize(1);
        assertThat(dir.resolve("inbox/.done/a.csv")).exists();
        assertThat(dir.resolve("inbox/.done/b.json")).exists();
        assertThat(dir.resolve("inbox/a.csv")).doesNotExist();
    }

    /**
     * An empty drop: the run stops at once. Camel's graceful shutdown never finds the poll that reported the drop
     * empty still under way (it would then wait a whole second before looking again).
     */
    @Test
    void stopsWithoutWaitingOnTheLastPoll() throws Exception {
        Properties p = RouteHarness.defaults(dir, sandbox);
        Files.createDirectories(dir.resolve("inbox"));
        List<String> waited = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            String run = "run " + i + ": ";
            try (LogCapture log = LogCapture.start()) {
                assertThat(runOnce(p)).isZero();
                log.lines().stream().filter(l -> l.contains("DefaultShutdownStrategy - Waiting as there are still"))
                        .forEach(l -> waited.add(run + l));
            }
        }
        assertThat(waited).isEmpty();
        assertThat(sandbox.postCalls()).isZero();
    }

    /** A missing credential, or a setting whose value shipped in config/application.properties was removed. */
    @ParameterizedTest
    @CsvSource({"kaleyra.sid, KALEYRA_SID", "sender.http.retry.multiplier, SENDER_HTTP_RETRY_MULTIPLIER"})
    void exitsOneNamingTheMissingSetting(String property, String variable) throws Exception {
        Properties p = settings();
        p.setProperty(property, "");
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains(property + " is not set", variable);
        assertThat(dir.resolve("inbox/a.csv")).exists();
    }

    @Test
    void exitsOneOnABatchSizeOverKaleyrasLimit() throws Exception {
        Properties p = settings();
        p.setProperty("sender.batch.size", "6000");
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("sender.batch.size must be between 1 and 5000");
    }

    @Test
    void exitsOneOnAnUnknownLedgerStore() throws Exception {
        Properties p = settings();
        p.setProperty("sender.ledger.store", "mongo");
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("sender.ledger.store must be journal, jdbc or postgresql, not mongo");
        assertThat(dir.resolve("inbox/a.csv")).exists();
    }

    @Test
    void exitsOneWhenTheLedgerJournalCannotBeOpened() throws Exception {
        Properties p = settings();
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        p.setProperty("sender.ledger.journal", notADirectory.resolve("ledger.journal").toString());
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("the ledger journal", "(sender.ledger.journal) cannot be opened");
        assertThat(sandbox.postCalls()).isZero();
        assertThat(dir.resolve("inbox/a.csv")).exists();
    }

    @Test
    void exitsTwoWhenTheCredentialsAreRefused() throws Exception {
        Properties p = settings();
        p.setProperty("kaleyra.api-key", "wrong-key-1234567890");
        assertThat(runOnce(p)).isEqualTo(2);
        assertThat(stderr).contains("refused the credentials", "RBC001").doesNotContain("wrong-key-1234567890");
        assertThat(Outputs.rows(dir.resolve("failure"), "a")).hasSize(7)
                .allSatisfy(r -> assertThat(r.get("error_code")).isEqualTo("AUTH_REFUSED"));
        assertThat(sandbox.postCalls()).isEqualTo(1);
    }

    @Test
    void exitsThreeWhenTheApiStaysUnreachable() throws Exception {
        Properties p = settings();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        p.setProperty("kaleyra.base-url", "http://127.0.0.1:" + closedPort);
        p.setProperty("sender.http.retry.max-attempts", "2");
        assertThat(runOnce(p)).isEqualTo(3);
        assertThat(stderr).contains("unavailable after retries");
        assertThat(Outputs.rows(dir.resolve("failure"), "a")).hasSize(7)
                .allSatisfy(r -> assertThat(r.get("error_code")).isEqualTo("API_UNAVAILABLE"));
    }

    @Test
    void exitsFourWhenAnOutputCannotBeDeliveredAndKeepsTheStagedRows() throws Exception {
        Properties p = settings();
        Files.writeString(dir.resolve("not-a-directory"), "x");
        p.setProperty("sender.output.success", "file:" + dir.resolve("not-a-directory/success"));
        assertThat(runOnce(p)).isEqualTo(4);
        assertThat(stderr).contains("processing of a.csv failed");
        assertThat(dir.resolve("inbox/.error/a.csv")).exists();
        assertThat(Outputs.rows(dir.resolve("work"), "a")).hasSize(7);
    }
}
