package org.senderroute.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OpenSshServer;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SFTP drop against a real OpenSSH server on loopback (Debian's {@code openssh-server}), where paths are those
 * of a partner's server: an absolute {@code sender.sftp.directory} and one relative to the login directory both
 * work, a wrong host key is refused, and files move to {@code .done} / {@code .error} beside the folder.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenSshDropTest {

    private static final Duration WAIT = Duration.ofSeconds(25);

    @TempDir
    Path dir;
    KaleyraSandbox sandbox;
    OpenSshServer server;
    RouteHarness app;

    @BeforeEach
    void start() throws Exception {
        server = OpenSshServer.start(dir.resolve("ssh"));
        sandbox = new KaleyraSandbox().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAbsoluteDirectoryIsReadWhereItIsNotUnderTheLoginDirectory() throws Exception {
        // outside the login directory, as partners give it: /…/upload/partner-a/out
        Path folder = Files.createDirectories(server.workDir().resolve("upload/partner-a/out"));
        String directory = folder.toString();
        assertThat(directory).startsWith("/");
        put(folder, "absolute.csv", SenderFiles.csv(4));

        app = RouteHarness.start(dir, sandbox, sftp(directory));

        assertThat(awaitTaken(folder, "absolute.csv")).isEqualTo(folder.resolve(".done/absolute.csv"));
        app.assertEveryRecordOnce("absolute", 4);
        assertThat(sandbox.createdCount()).isEqualTo(4);
        // nothing was looked for, nor created, under the login directory
        assertThat(filesUnder(server.home())).isEmpty();
        try (Stream<Path> entries = Files.list(server.home())) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void aDirectoryRelativeToTheLoginDirectoryIsReadThere() throws Exception {
        Path folder = Files.createDirectories(server.home().resolve("upload/out"));
        put(folder, "relative.csv", SenderFiles.csv(3));

        app = RouteHarness.start(dir, sandbox, sftp("upload/out"));

        assertThat(awaitTaken(folder, "relative.csv")).isEqualTo(folder.resolve(".done/relative.csv"));
        app.assertEveryRecordOnce("relative", 3);
        assertThat(sandbox.createdCount()).isEqualTo(3);
    }

    @Test
    void aWrongHostKeyIsRefusedWithAClearErrorAndNothingIsRead() throws Exception {
        Path folder = Files.createDirectories(server.workDir().resolve("upload/partner-a/out"));
        put(folder, "must-stay.csv", SenderFiles.csv(3));
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, sftp(folder.toString(),
                    "sender.sftp.known-hosts-file", server.wrongKnownHostsFile().toString()));

            await().atMost(WAIT).until(() -> logs.contains("does not match"));
            assertThat(logs.lines()).filteredOn(l -> l.startsWith("ERROR") && l.contains("does not match"))
                    .singleElement().asString()
                    .contains("SFTP drop sftp://" + server.username() + "@127.0.0.1:" + server.port() + "/", " cannot be read",
                            "host key", server.wrongKnownHostsFile().toString(), "HostKey has been changed");
        }
        assertThat(server.acceptedLogins()).isZero();
        assertThat(folder.resolve("must-stay.csv")).exists();
        assertThat(folder.resolve(".done")).doesNotExist();
        assertThat(folder.resolve(".error")).doesNotExist();
        assertThat(sandbox.postCalls()).isZero();
        assertThat(Outputs.files(app.successDir(), "must-stay")).isEmpty();
        assertThat(Outputs.files(app.failureDir(), "must-stay")).isEmpty();
    }

    @Test
    void aGoodFileMovesToDoneAndAnUnreadableOneToErrorOnTheServer() throws Exception {
        Path folder = Files.createDirectories(server.workDir().resolve("upload/partner-a/out"));
        put(folder, "good.csv", SenderFiles.csv(5));
        put(folder, "no-header.csv", "ABCDEF,some text,in,123456789012\n");

        app = RouteHarness.start(dir, sandbox, sftp(folder.toString()));

        assertThat(awaitTaken(folder, "good.csv")).isEqualTo(folder.resolve(".done/good.csv"));
        assertThat(awaitTaken(folder, "no-header.csv")).isEqualTo(folder.resolve(".error/no-header.csv"));
        assertThat(folder.resolve(".done/good.csv")).hasContent(SenderFiles.csv(5));
        assertThat(app.successRows("good")).hasSize(5);
        app.assertEveryRecordOnce("good", 5);
        assertThat(app.successRows("no-header")).isEmpty();
        assertThat(app.failureRows("no-header")).singleElement().satisfies(r -> {
            assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
            assertThat(r.get("error_message")).startsWith("the file could not be read: ");
        });
        assertThat(sandbox.createdCount()).isEqualTo(5);
        // the local copies are removed once the files are done with
        await().atMost(WAIT).until(() -> filesUnder(dir.resolve("work/sftp-download")).isEmpty());
    }

    @Test
    void outputsAreWrittenToAnAbsoluteFolderOnTheServerToo() throws Exception {
        Path folder = Files.createDirectories(server.home().resolve("upload/out"));
        Path outbox = Files.createDirectories(server.workDir().resolve("download/partner-a"));
        // the folder is absolute: sftp://host:port//…/download/partner-a/success
        String output = "sftp://" + server.host() + ":" + server.port() + "/" + outbox + "/%s"
                + "?{{sender.sftp.connection-options}}&tempFileName=.writing-${file:name}";
        app = RouteHarness.start(dir, sandbox, sftp("upload/out",
                "sender.output.success", output.formatted("success"),
                "sender.output.failure", output.formatted("failure")));
        put(folder, "mixed.csv", SenderFiles.csv(4) + "BAD,no iso code,zz,123456789012\n");

        assertThat(awaitTaken(folder, "mixed.csv")).isEqualTo(folder.resolve(".done/mixed.csv"));
        assertThat(Outputs.rows(outbox.resolve("success"), "mixed")).hasSize(4);
        assertThat(Outputs.rows(outbox.resolve("failure"), "mixed")).singleElement()
                .satisfies(r -> assertThat(r.get("error_code")).isEqualTo("INVALID_ISO_CODE"));
        assertThat(filesUnder(outbox)).isNotEmpty().allSatisfy(p -> assertThat(p.getFileName().toString()).doesNotStartWith("."));
        assertThat(filesUnder(server.home())).containsExactly(folder.resolve(".done/mixed.csv"));
        assertThat(app.successDir()).doesNotExist();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The settings of an SFTP drop of {@code directory} on the OpenSSH server; extra pairs override them. */
    private Map<String, String> sftp(String directory, String... overrides) {
        return server.dropSettings(directory, overrides);
    }

    /** Puts a complete file into the server's folder at once, as a partner's "upload, then rename" does. */
    private static void put(Path folder, String name, String content) {
        try {
            Path aside = folder.resolve(name + ".part");
            Files.writeString(aside, content);
            Files.move(aside, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the file has left the folder for .done or .error, and returns where it is. */
    private static Path awaitTaken(Path folder, String name) {
        Path done = folder.resolve(".done").resolve(name);
        Path error = folder.resolve(".error").resolve(name);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> !Files.exists(folder.resolve(name)) && (Files.exists(done) || Files.exists(error)));
        return Files.exists(done) ? done : error;
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
