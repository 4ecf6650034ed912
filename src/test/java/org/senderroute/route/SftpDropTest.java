package org.senderroute.route;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;
import org.senderroute.testsupport.SftpTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SFTP drop, against an in-process SFTP server on loopback (key authentication, host key checked against a
 * known_hosts file): it feeds the same pipeline as the directory drop, with the same outputs and accounting.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class SftpDropTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    KaleyraSandbox sandbox;
    SftpTestServer server;
    RouteHarness app;
    String stderr;

    @BeforeEach
    void start() throws Exception {
        sandbox = new KaleyraSandbox().start();
        server = SftpTestServer.start(dir.resolve("sftp"));
        Files.createDirectories(remote("inbox"));
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        server.close();
        sandbox.close();
    }

    // ------------------------------------------------------------------------------------------------ the drop

    @Test
    void aRemoteFileIsTakenProcessedAndMovedToDoneBesideTheDirectoryDrop() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp());
        server.putFile("inbox/remote-a.csv", SenderFiles.csv(7));
        app.drop("local-b.csv", SenderFiles.csv(3).replace("SX", "SY"));

        awaitRemoteTaken("remote-a.csv");
        assertThat(remote("inbox/.done/remote-a.csv")).exists();
        assertThat(remote("inbox/remote-a.csv")).doesNotExist();
        assertThat(server.renames()).contains("inbox/remote-a.csv -> inbox/.done/remote-a.csv");
        assertThat(app.successRows("remote-a")).hasSize(7);
        app.assertEveryRecordOnce("remote-a", 7);

        // the same pipeline serves the directory drop at the same time
        assertThat(app.awaitTaken("local-b.csv")).hasParent(app.inbox().resolve(".done"));
        app.assertEveryRecordOnce("local-b", 3);
        assertThat(sandbox.createdCount()).isEqualTo(10);

        // downloaded to disk as a stream, then read from there: never held whole in memory; the copy is removed
        SftpEndpoint endpoint = sftpIntakeEndpoint();
        assertThat(endpoint.getLocalWorkDirectory()).isEqualTo(dir.resolve("work") + "/sftp-download");
        assertThat(endpoint.getConfiguration().getStrictHostKeyChecking()).isEqualTo("yes");
        await().atMost(WAIT).until(() -> filesUnder(dir.resolve("work/sftp-download")).isEmpty());
    }

    @Test
    void aFileStillBeingUploadedIsNotTakenBeforeItIsComplete() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp("sender.sftp.read-lock-check-interval", "1000"));
        byte[] content = SenderFiles.csv(60).getBytes(StandardCharsets.UTF_8);

        // a partner's client uploading under a temporary name (WinSCP's .filepart) is left alone until it renames
        server.putFile("inbox/named.csv.filepart", SenderFiles.csv(2).replace("SX", "SZ"));
        CompletableFuture<Path> upload = server.uploadSlowly("inbox/slow.csv", content, 6, Duration.ofMillis(300));
        upload.get(10, TimeUnit.SECONDS);
        Thread.sleep(800);
        assertThat(remote("inbox/named.csv.filepart")).exists();
        Files.move(remote("inbox/named.csv.filepart"), remote("inbox/named.csv"));

        awaitRemoteTaken("slow.csv");
        assertThat(remote("inbox/.done/slow.csv")).hasBinaryContent(content);
        assertThat(app.successRows("slow")).hasSize(60);
        assertThat(app.failureRows("slow")).isEmpty();
        app.assertEveryRecordOnce("slow", 60);
        awaitRemoteTaken("named.csv");
        app.assertEveryRecordOnce("named", 2);
        assertThat(sandbox.createdCount()).isEqualTo(62);
    }

    @Test
    void anUnreadableRemoteFileGoesToErrorWithItsReasonInTheFailureOutput() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp());
        server.putFile("inbox/garbage.json", "this is { not json at all");
        server.putFile("inbox/good.csv", SenderFiles.csv(2));

        assertThat(awaitRemoteTaken("garbage.json")).isEqualTo(remote("inbox/.error/garbage.json"));
        assertThat(awaitRemoteTaken("good.csv")).isEqualTo(remote("inbox/.done/good.csv"));
        assertThat(app.failureRows("garbage")).singleElement().satisfies(r -> {
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).startsWith("the file could not be read: ").contains("JSON");
        });
        app.assertEveryRecordOnce("good", 2);
    }

    // ------------------------------------------------------------------------------------------------ host keys

    @Test
    void aWrongHostKeyIsRefusedWithAClearErrorAndNothingIsProcessed() throws Exception {
        server.putFile("inbox/must-stay.csv", SenderFiles.csv(3));
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, sftp("sender.sftp.known-hosts-file",
                    server.wrongKnownHostsFile().toString()));

            await().atMost(WAIT).until(() -> logs.contains("does not match"));
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("ERROR") && l.contains("does not match"))
                    .singleElement().asString()
                    .contains("SFTP drop sftp://partner@127.0.0.1:" + server.port() + "/inbox cannot be read",
                            "host key", server.wrongKnownHostsFile().toString(), "HostKey has been changed");
        }
        assertThat(server.authenticatedSessions()).isZero();
        assertThat(remote("inbox/must-stay.csv")).exists();
        assertThat(remote("inbox/.done")).doesNotExist();
        assertThat(sandbox.postCalls()).isZero();
        assertThat(Outputs.files(app.successDir(), "must-stay")).isEmpty();
        assertThat(Outputs.files(app.failureDir(), "must-stay")).isEmpty();
    }

    @Test
    void startUpIsRefusedWithoutAKnownHostsFile() throws Exception {
        Properties p = onceSettings(Map.of("sender.sftp.known-hosts-file", ""));
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("sender.sftp.known-hosts-file is not set", "SENDER_SFTP_KNOWN_HOSTS_FILE",
                "sender.sftp.strict-host-key-checking=false");

        p.setProperty("sender.sftp.known-hosts-file", dir.resolve("no-such-known_hosts").toString());
        assertThat(runOnce(p)).isEqualTo(1);
        assertThat(stderr).contains("sender.sftp.known-hosts-file names no readable file", "no-such-known_hosts");
        assertThat(remote("inbox/a.csv")).exists();
        assertThat(sandbox.postCalls()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
            "sender.sftp.host, sender.sftp.host is not set, SENDER_SFTP_HOST",
            "sender.sftp.username, sender.sftp.username is not set, SENDER_SFTP_USERNAME",
            "sender.sftp.directory, sender.sftp.directory is not set, SENDER_SFTP_DIRECTORY",
            "sender.sftp.private-key-file, sender.sftp.password or sender.sftp.private-key-file must be set, SENDER_SFTP_PRIVATE_KEY_FILE"})
    void startUpNamesAMissingSettingAndItsVariable(String property, String message, String variable) throws Exception {
        assertThat(runOnce(onceSettings(Map.of(property, "")))).isEqualTo(1);
        assertThat(stderr).contains(message, variable);
    }

    @Test
    void withHostKeyCheckingSwitchedOffItStartsAndWarns() throws Exception {
        Properties p = onceSettings(Map.of("sender.sftp.known-hosts-file", "", "sender.sftp.strict-host-key-checking", "false"));
        try (LogCapture logs = LogCapture.start()) {
            assertThat(runOnce(p)).isZero();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN")
                    .contains("host key is NOT checked", "sender.sftp.strict-host-key-checking=false"));
        }
        assertThat(remote("inbox/.done/a.csv")).exists();
    }

    // ------------------------------------------------------------------------------------------------ server going away

    @Test
    void theServerStoppedAndStartedAgainDuringPollingIsSurvived() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp());
        server.putFile("inbox/before.csv", SenderFiles.csv(2));
        awaitRemoteTaken("before.csv");

        try (LogCapture logs = LogCapture.start()) {
            server.stop();
            await().atMost(WAIT).until(() -> logs.contains("no connection to the server"));
            server.restart();
            server.putFile("inbox/after.csv", SenderFiles.csv(4).replace("SX", "SW"));

            assertThat(awaitRemoteTaken("after.csv")).isEqualTo(remote("inbox/.done/after.csv"));
            await().atMost(WAIT).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.startsWith("INFO") && l.contains("/inbox is reachable again")));
        }
        app.assertEveryRecordOnce("before", 2);
        app.assertEveryRecordOnce("after", 4);
        assertThat(sandbox.createdCount()).isEqualTo(6);
    }

    @Test
    void theServerGoingAwayWhileAFileIsProcessedLosesNothingAndSendsNothingTwice() throws Exception {
        sandbox.faults().latency(Duration.ofMillis(400));
        app = RouteHarness.start(dir, sandbox, sftp("sender.batch.size", "5", "sender.http.max-concurrent-calls", "2"));
        server.putFile("inbox/cut.csv", SenderFiles.csv(30));

        try (LogCapture logs = LogCapture.start()) {
            // the file is on local disk once its first call is made: the server goes away in the middle of the calls,
            // and stays away until the move to .done has been given up
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> sandbox.postCalls() >= 1);
            server.stop();
            await().atMost(WAIT).until(() -> logs.contains("Error during commit"));
            assertThat(app.successRows("cut")).hasSize(30);
            assertThat(remote("inbox/cut.csv")).exists();
            int calls = sandbox.postCalls();

            server.restart();
            assertThat(awaitRemoteTaken("cut.csv")).isEqualTo(remote("inbox/.done/cut.csv"));
            assertThat(logs.text()).contains("cut.csv has the same name and content as a file processed on");
            assertThat(sandbox.postCalls()).isEqualTo(calls);
        }
        assertThat(Outputs.files(app.successDir(), "cut")).hasSize(1);
        app.assertEveryRecordOnce("cut", 30);
        assertThat(sandbox.createdCount()).isEqualTo(30);
    }

    @Test
    void aFileAStopInterruptsStaysOnTheServerAndIsFinishedAtTheNextStart() throws Exception {
        sandbox.faults().latency(Duration.ofMillis(300));
        Map<String, String> settings = sftp("sender.batch.size", "5", "sender.http.max-concurrent-calls", "1");
        app = RouteHarness.start(dir, sandbox, settings);
        server.putFile("inbox/long.csv", SenderFiles.csv(40));
        await().atMost(WAIT).until(() -> sandbox.postCalls() >= 2);
        app.stop();

        assertThat(remote("inbox/long.csv")).exists();
        assertThat(remote("inbox/.done")).doesNotExist();
        assertThat(remote("inbox/.error")).doesNotExist();
        assertThat(sandbox.createdCount()).isBetween(1, 39);
        assertThat(filesUnder(dir.resolve("work/sftp-download"))).isEmpty();

        sandbox.faults().latency(Duration.ZERO);
        app = RouteHarness.start(dir, sandbox, settings);
        assertThat(awaitRemoteTaken("long.csv")).isEqualTo(remote("inbox/.done/long.csv"));
        app.assertEveryRecordOnce("long", 40);
        assertThat(sandbox.createdCount()).isEqualTo(40);
    }

    @Test
    void theSameRemoteFileIsNotProcessedTwiceAcrossARestart() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp());
        server.putFile("inbox/again, (1).csv", SenderFiles.csv(5));
        awaitRemoteTaken("again, (1).csv");
        int calls = sandbox.postCalls();
        app.close();

        // the partner's tool delivers the very same file again (same name and content)
        Files.copy(remote("inbox/.done/again, (1).csv"), remote("inbox/again, (1).csv"), StandardCopyOption.COPY_ATTRIBUTES);
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, sftp());
            await().atMost(WAIT).until(() -> !Files.exists(remote("inbox/again, (1).csv")));
            assertThat(logs.text()).contains("again, (1).csv has the same name and content as a file processed on");
        }
        assertThat(remote("inbox/.done/again, (1).csv")).exists();
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(Outputs.files(app.successDir(), "again, (1)")).hasSize(1);

        // a new file under the same name (other content, other time) is a new file
        server.putFile("inbox/again, (1).csv", SenderFiles.csv(6).replace("SX", "SV"));
        await().atMost(WAIT).until(() -> Outputs.files(app.successDir(), "again, (1)").size() == 2);
        assertThat(sandbox.createdCount()).isEqualTo(11);
        // every version is archived, none replaces another: the time is added to the names of the later ones
        await().atMost(WAIT).until(() -> !Files.exists(remote("inbox/again, (1).csv")));
        List<String> archived = filesUnder(remote("inbox/.done")).stream().map(p -> p.getFileName().toString()).toList();
        assertThat(archived).hasSize(3).contains("again, (1).csv");
        assertThat(archived.stream().filter(n -> n.matches("again, \\(1\\)\\.csv\\.\\d{8}-\\d{6}-\\d{3}")))
                .as("stamped names in %s", archived).hasSize(2);
        assertThat(remote("inbox/.done/again, (1).csv")).hasContent(SenderFiles.csv(5));
    }

    @Test
    void aRemoteFileUploadedAgainLaterIsRecognisedByItsNameAndContent() throws Exception {
        app = RouteHarness.start(dir, sandbox, sftp());
        server.putFile("inbox/twice.csv", SenderFiles.csv(3));
        awaitRemoteTaken("twice.csv");
        int calls = sandbox.postCalls();

        // the same content uploaded again: a new modification time, the file ledger knows it by its SHA-256
        try (LogCapture logs = LogCapture.start()) {
            server.putFile("inbox/twice.csv", SenderFiles.csv(3));
            await().atMost(WAIT).until(() -> !Files.exists(remote("inbox/twice.csv")));
            assertThat(logs.lines()).filteredOn(l -> l.contains("twice.csv has the same name and content"))
                    .singleElement().asString().startsWith("WARN");
        }
        assertThat(filesUnder(remote("inbox/.done"))).hasSize(2);
        assertThat(remote("inbox/.error")).doesNotExist();
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(Outputs.files(app.successDir(), "twice")).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------ outputs and --once

    @Test
    void successAndFailureOutputsAreWrittenBackToSftpUnderATemporaryName() throws Exception {
        String outbox = "sftp://" + server.host() + ":" + server.port() + "/outbox/";
        app = RouteHarness.start(dir, sandbox, sftp(
                "sender.output.success", outbox + "success?{{sender.sftp.connection-options}}&tempFileName=.writing-${file:name}",
                "sender.output.failure", outbox + "failure?{{sender.sftp.connection-options}}&tempFileName=.writing-${file:name}"));
        server.putFile("inbox/mixed.csv", SenderFiles.csv(4) + "BAD,no iso code,zz,123456789012\n");

        awaitRemoteTaken("mixed.csv");
        Path success = remote("outbox/success");
        Path failure = remote("outbox/failure");
        assertThat(Outputs.rows(success, "mixed")).hasSize(4);
        assertThat(Outputs.rows(failure, "mixed")).singleElement()
                .satisfies(r -> assertThat(r.get("error_code")).isEqualTo("INVALID_ISO_CODE"));
        String successName = Outputs.files(success, "mixed").get(0).getFileName().toString();
        String failureName = Outputs.files(failure, "mixed").get(0).getFileName().toString();
        assertThat(server.renames()).contains(
                "outbox/success/.writing-" + successName + " -> outbox/success/" + successName,
                "outbox/failure/.writing-" + failureName + " -> outbox/failure/" + failureName);
        assertThat(filesUnder(remote("outbox"))).allSatisfy(p -> assertThat(p.getFileName().toString()).doesNotStartWith("."));
        assertThat(app.successDir()).doesNotExist();
    }

    @Test
    void onceDrainsTheRemoteFolderAsWellAsTheInbox() throws Exception {
        Properties p = onceSettings(Map.of());
        server.putFile("inbox/b.json", "[{\"sender\":\"JSONBB\",\"description\":\"x\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}]");

        assertThat(runOnce(p)).isZero();
        assertThat(remote("inbox/.done/a.csv")).exists();
        assertThat(remote("inbox/.done/b.json")).exists();
        assertThat(dir.resolve("inbox/.done/local.csv")).exists();
        assertThat(Outputs.rows(dir.resolve("success"), "a")).hasSize(3);
        assertThat(Outputs.rows(dir.resolve("success"), "b")).hasSize(1);
        assertThat(Outputs.rows(dir.resolve("success"), "local")).hasSize(2);
    }

    @Test
    void onceEndsWithAnErrorInsteadOfWaitingWhenTheDropCannotBeRead() throws Exception {
        Properties p = onceSettings(Map.of("sender.sftp.known-hosts-file", server.wrongKnownHostsFile().toString()));
        assertThat(runOnce(p)).isEqualTo(4);
        assertThat(stderr).contains("the SFTP drop sftp://partner@127.0.0.1:" + server.port() + "/inbox could not be read",
                "host key does not match");
        assertThat(remote("inbox/a.csv")).exists();
        assertThat(dir.resolve("inbox/.done/local.csv")).exists();
    }

    // ------------------------------------------------------------------------------------------------ secrets

    @Test
    void thePasswordAndTheKeyPassphraseNeverAppearInTheLogs() throws Exception {
        String passphrase = "Pass phrase)&x=%41#" + System.nanoTime();
        String password = "Pw)&y=%2F (" + System.nanoTime();
        Path encryptedKey = encryptedCopyOfTheClientKey(passphrase);
        String outbox = "sftp://" + server.host() + ":" + server.port() + "/outbox/";
        try (LogCapture logs = LogCapture.start("org.apache.camel", "org.senderroute")) {
            app = RouteHarness.start(dir, sandbox, sftp(
                    "sender.sftp.private-key-file", encryptedKey.toString(),
                    "sender.sftp.private-key-passphrase", passphrase,
                    "sender.sftp.password", password,
                    "sender.output.success", outbox + "success?{{sender.sftp.connection-options}}&tempFileName=.writing-${file:name}"));
            server.putFile("inbox/secret.csv", SenderFiles.csv(2));
            awaitRemoteTaken("secret.csv");
            assertThat(Outputs.rows(remote("outbox/success"), "secret")).hasSize(2);
            assertThat(app.context().getEndpoints()).extracting(Endpoint::getEndpointUri).isNotEmpty()
                    .allSatisfy(uri -> assertThat(uri).doesNotContain(passphrase).doesNotContain(password));
            app.stop();

            assertThat(logs.lines()).as("DEBUG lines of Camel were captured").anyMatch(l -> l.startsWith("DEBUG org.apache.camel"));
            assertThat(logs.text()).doesNotContain(passphrase).doesNotContain(password)
                    .doesNotContain(passphrase.substring(0, 11)).doesNotContain(password.substring(0, 6));
        }
    }

    @Test
    void passwordAuthenticationWorksAndThePasswordIsNeverLogged() throws Exception {
        String password = " Pw)&y=%2F{}#(" + System.nanoTime();
        server.allowPassword(password);
        try (LogCapture logs = LogCapture.start("org.apache.camel", "org.senderroute")) {
            app = RouteHarness.start(dir, sandbox, sftp("sender.sftp.private-key-file", "", "sender.sftp.password", password));
            server.putFile("inbox/by-password.csv", SenderFiles.csv(2));
            awaitRemoteTaken("by-password.csv");
            app.stop();
            assertThat(logs.text()).contains("SFTP drop sftp://partner@127.0.0.1:" + server.port() + "/inbox: password authentication")
                    .doesNotContain(password).doesNotContain(password.substring(0, 8));
        }
        app.assertEveryRecordOnce("by-password", 2);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The settings of an SFTP drop on the test server, with short timers; extra pairs override them. */
    private Map<String, String> sftp(String... overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("sender.sftp.enabled", "true");
        m.put("sender.sftp.host", server.host());
        m.put("sender.sftp.port", Integer.toString(server.port()));
        m.put("sender.sftp.username", server.username());
        m.put("sender.sftp.directory", "inbox");
        m.put("sender.sftp.private-key-file", server.clientPrivateKeyFile().toString());
        m.put("sender.sftp.known-hosts-file", server.knownHostsFile().toString());
        m.put("sender.sftp.poll-delay", "200");
        m.put("sender.sftp.read-lock-check-interval", "400");
        m.put("sender.sftp.read-lock-timeout", "5000");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return m;
    }

    /** For a --once run: a.csv (3 records) on the server, local.csv (2) in the inbox. */
    private Properties onceSettings(Map<String, String> overrides) throws Exception {
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");
        sftp().forEach(p::setProperty);
        overrides.forEach(p::setProperty);
        server.putFile("inbox/a.csv", SenderFiles.csv(3));
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/local.csv"), SenderFiles.csv(2).replace("SX", "SL"));
        return p;
    }

    private int runOnce(Properties overrides) {
        OnceRun run = OnceRun.of(overrides);
        stderr = run.stderr();
        return run.exitCode();
    }

    private Path remote(String path) {
        return server.root().resolve(path);
    }

    /** Waits until the remote file has left the SFTP inbox for .done or .error, and returns where it is. */
    private Path awaitRemoteTaken(String name) {
        Path done = remote("inbox/.done/" + name);
        Path error = remote("inbox/.error/" + name);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> !Files.exists(remote("inbox/" + name)) && (Files.exists(done) || Files.exists(error)));
        return Files.exists(done) ? done : error;
    }

    private SftpEndpoint sftpIntakeEndpoint() {
        Endpoint endpoint = app.context().getRoute("intake-sftp").getEndpoint();
        return (SftpEndpoint) endpoint;
    }

    private static List<Path> filesUnder(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** The test client key, encrypted with a passphrase (OpenSSH format, AES-256-CTR). */
    private Path encryptedCopyOfTheClientKey(String passphrase) throws Exception {
        KeyPair pair = new FileKeyPairProvider(server.clientPrivateKeyFile()).loadKeys(null).iterator().next();
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setCipherName("AES");
        encryption.setCipherType("256");
        encryption.setCipherMode("CTR");
        encryption.setPassword(passphrase);
        Path file = dir.resolve("id_ecdsa_encrypted");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "encrypted", encryption, out);
        }
        assertThat(Files.readString(file)).contains("BEGIN OPENSSH PRIVATE KEY");
        return file;
    }
}
