package org.senderroute.route;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SandboxRouteTest;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Entries of the drop that are not what they seem: symbolic links (to a secret, to a file outside the drop, to a
 * folder), empty files, FIFOs, names at the file system's limit of 255 bytes.
 */
class DropEntriesTest extends SandboxRouteTest {

    private static final String SECRET = "k3y-9f8e7d6c5b4a-do-not-print";

    @Test
    void symbolicLinksAreRefusedVisiblyWithoutReadingOrQuotingTheirTarget() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path key = write(outside.resolve("api-key"), SECRET + "\n");
        Path passwd = write(outside.resolve("passwd"), "root" + SECRET + ":x:0:0:root:/root:/bin/bash\n");
        Path good = write(outside.resolve("good.csv"), SenderFiles.csv(2));
        Path folder = Files.createDirectories(outside.resolve("folder"));
        write(folder.resolve("inside.csv"), SenderFiles.csv(1));
        try (LogCapture log = LogCapture.start()) {
            start(SandboxSettings.defaults(), Map.of("sender.accounts.rule", "folder"));
            Files.createDirectories(app.inbox());
            Files.createSymbolicLink(app.inbox().resolve("key.csv"), key);
            Files.createSymbolicLink(app.inbox().resolve("passwd.json"), passwd);
            Files.createSymbolicLink(app.inbox().resolve("good-outside.csv"), good);
            Files.createSymbolicLink(app.inbox().resolve("acme"), folder);
            Files.createSymbolicLink(app.inbox().resolve("dangling.csv"), outside.resolve("nothing-here"));
            app.drop("real.csv", SenderFiles.csv(1));

            for (String link : List.of("key.csv", "passwd.json", "good-outside.csv")) {
                Path moved = app.awaitTaken(link);
                assertThat(moved.getParent()).isEqualTo(app.inbox().resolve(".error"));
                assertThat(Files.isSymbolicLink(moved)).as("the link itself is moved, not its target").isTrue();
                String base = link.substring(0, link.indexOf('.'));
                assertThat(app.failureRows(base)).singleElement().satisfies(r -> {
                    assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
                    assertThat(r.get("error_message")).contains("symbolic link", "not followed");
                });
                assertThat(app.successRows(base)).isEmpty();
            }
            assertThat(app.awaitTaken("real.csv")).hasParent(app.inbox().resolve(".done"));
            // a linked folder is never entered: its file is neither taken nor moved
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(folder.resolve("inside.csv")));
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN") && l.contains("acme"))
                    .singleElement().asString().contains("symbolic link to a folder");
            assertThat(log.lines()).filteredOn(l -> l.contains("dangling.csv"))
                    .singleElement().asString().startsWith("WARN").contains("points to nothing");
            assertThat(Files.isSymbolicLink(app.inbox().resolve("dangling.csv"))).isTrue();

            assertThat(sandbox.createdCount()).as("only the real file was sent").isEqualTo(1);
            assertThat(Files.readString(key)).isEqualTo(SECRET + "\n");
            assertThat(good).exists();
            assertThat(allOutputs()).as("outputs and summaries").doesNotContain(SECRET).doesNotContain("root");
            assertThat(log.text()).doesNotContain(SECRET);
        }
    }

    @Test
    void emptyFilesAreRefusedAtOnceAndDoNotHoldUpTheOthers() {
        start(SandboxSettings.defaults(), Map.of());
        app.drop("empty-1.csv", "");
        app.drop("empty-2.json", "");
        app.drop("empty-3.jsonl", "");
        app.drop("good.csv", SenderFiles.csv(2));

        // each empty file used to hold the poll for the 20 s read lock timeout
        assertThat(app.awaitTaken("good.csv", Duration.ofSeconds(15))).hasParent(app.inbox().resolve(".done"));
        for (String name : List.of("empty-1.csv", "empty-2.json", "empty-3.jsonl")) {
            assertThat(app.awaitTaken(name, Duration.ofSeconds(5))).hasParent(app.inbox().resolve(".error"));
            assertThat(app.failureRows(name.substring(0, name.indexOf('.')))).singleElement().satisfies(r -> {
                assertThat(r.get("error_code")).isEqualTo("FILE_UNREADABLE");
                assertThat(r.get("error_message")).isEqualTo("the file could not be read: empty file (0 bytes)");
            });
        }
        app.assertEveryRecordOnce("good", 2);
    }

    @Test
    void aFifoIsSkippedWithOneWarningAndNeverWaitedOn() throws Exception {
        start(SandboxSettings.defaults(), Map.of());
        Files.createDirectories(app.inbox());
        mkfifo(app.inbox().resolve("pipe.csv"));
        try (LogCapture log = LogCapture.start()) {
            app.drop("first.csv", SenderFiles.csv(1));
            assertThat(app.awaitTaken("first.csv", Duration.ofSeconds(10))).hasParent(app.inbox().resolve(".done"));
            app.drop("second.csv", SenderFiles.csv(1).replace("SX0001", "SX0002"));
            assertThat(app.awaitTaken("second.csv", Duration.ofSeconds(10))).hasParent(app.inbox().resolve(".done"));

            assertThat(log.lines()).filteredOn(l -> l.contains("pipe.csv"))
                    .singleElement().asString().startsWith("WARN").contains("not a regular file");
        }
        assertThat(app.inbox().resolve("pipe.csv")).exists();
    }

    @Test
    void onceEndsAtOnceBesideAFifoAndEmptyFilesAndCountsOnlyWhatWasProcessed() throws Exception {
        sandbox = new org.senderroute.sandbox.KaleyraSandbox(SandboxSettings.defaults()).start();
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        mkfifo(inbox.resolve("pipe.csv"));
        write(inbox.resolve("empty.csv"), "");
        write(inbox.resolve("good.csv"), SenderFiles.csv(3));

        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<OnceRun> run = CompletableFuture.supplyAsync(() -> OnceRun.of(p));
            // the FIFO used to hold every poll for the 20 s read lock timeout
            await().atMost(Duration.ofSeconds(15)).until(run::isDone);
            assertThat(run.get().exitCode()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains("All files:")).singleElement().asString()
                    .contains("1 files, 3 records, 3 succeeded", "1 files refused (FILE_UNREADABLE)");
        }
        assertThat(inbox.resolve(".done/good.csv")).exists();
        assertThat(inbox.resolve(".error/empty.csv")).exists();
        assertThat(inbox.resolve("pipe.csv")).exists();
    }

    @Test
    void namesOfUpTo255BytesAreProcessedAndTheirOutputNamesFit() throws IOException {
        start(SandboxSettings.defaults(), Map.of());
        String longest = "a".repeat(251) + ".csv";
        String accented = "é".repeat(123) + ".csv";
        String twin = "a".repeat(250) + "b.csv";
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(accented.getBytes(StandardCharsets.UTF_8)).hasSize(250);
        try (LogCapture log = LogCapture.start()) {
            app.drop(longest, SenderFiles.csv(2));
            app.drop(accented, SenderFiles.csv(4).lines().filter(l -> !l.contains("SX0001") && !l.contains("SX0002"))
                    .reduce("", (a, b) -> a + b + "\n"));
            app.drop(twin, SenderFiles.csv(1));
            for (String name : List.of(longest, accented, twin)) {
                assertThat(app.awaitTaken(name)).hasParent(app.inbox().resolve(".done"));
            }
            assertThat(log.text()).doesNotContain("camelLock").doesNotContain("File name too long");
        }
        List<Path> outputs = outputFiles();
        assertThat(outputs).isNotEmpty().allSatisfy(p ->
                assertThat(p.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(233));
        // shortened the same way each time, recognisable by their start, and the two "a..." names kept apart
        assertThat(outputs).filteredOn(p -> p.getFileName().toString().endsWith(".success.csv"))
                .extracting(p -> p.getFileName().toString().replaceAll("\\.\\d{8}-\\d{6}-\\d{3}\\.success\\.csv$", ""))
                .hasSize(3).doesNotHaveDuplicates()
                .allSatisfy(stem -> assertThat(stem).matches("(a{150,}|é{80,})~[0-9a-f]{8}"));
        assertThat(sandbox.createdCount()).isEqualTo(2 + 2);

        // dropped again: the archived name gets the time added, still within 255 bytes
        app.drop(longest, SenderFiles.csv(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(app.inbox().resolve(longest)));
        try (Stream<Path> done = Files.list(app.inbox().resolve(".done"))) {
            assertThat(done.filter(p -> p.getFileName().toString().startsWith("aaa"))).hasSize(3);
        }
    }

    private static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
    }

    private List<Path> outputFiles() {
        try (Stream<Path> success = Files.list(app.successDir()); Stream<Path> failure = listOrEmpty(app.failureDir())) {
            return Stream.concat(success, failure).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> listOrEmpty(Path dir) throws IOException {
        return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
    }

    private String allOutputs() {
        StringBuilder all = new StringBuilder();
        for (Path file : outputFiles()) {
            try {
                all.append(Files.readString(file)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all.toString();
    }
}
