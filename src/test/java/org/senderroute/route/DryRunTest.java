package org.senderroute.route;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.SenderRouteApplication;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --once --dry-run}: what a run would do, per file (records valid and invalid by code, senders the ledger knows,
 * the calls and their sizes), with nothing sent to Kaleyra, no file moved, nothing written to the ledger; and the run
 * that follows makes exactly the calls foretold.
 */
class DryRunTest {

    @TempDir
    Path dir;
    KaleyraSandbox sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** What a run printed on standard output and standard error, and its exit code. */
    private record Printed(int exitCode, String out, String err) {
    }

    private static Printed run(Properties settings, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int code = SenderRouteApplication.run(args, settings);
            return new Printed(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Properties settings() {
        Properties p = RouteHarness.defaults(dir, sandbox);
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.batch.size", "4");
        return p;
    }

    /** Every file under the folder (dot folders too) and its bytes, by path. */
    private static Map<String, String> tree(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    files.put(folder.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return files;
    }

    @Test
    void tellsWhatARunWouldDoAndDoesNoneOfIt() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        // an earlier run registers senders 1 to 3
        Files.writeString(inbox.resolve("earlier.csv"), SenderFiles.csv(1, 3));
        assertThat(OnceRun.of(settings()).exitCode()).isZero();
        int earlierCalls = sandbox.postCalls();
        int earlierRequests = sandbox.requestSizes().size();

        Files.writeString(inbox.resolve("a.csv"), SenderFiles.csv(1, 10) + "BADSENDER,d,in,123456789012\n"
                + "SX0005,again,in,123456789012\n,no sender,in,123456789012\n");
        Files.writeString(inbox.resolve("b.json"), "[{\"sender\":\"JSONBA\",\"description\":\"x\",\"iso_code\":\"in\","
                + "\"entity_id\":\"123456789012\"},{\"sender\":\"JSONBB\",\"description\":\"<script>\",\"iso_code\":\"in\","
                + "\"entity_id\":\"123456789012\"}]");
        Files.writeString(inbox.resolve("c.csv"), "");
        Files.setLastModifiedTime(inbox.resolve("b.json"), Files.getLastModifiedTime(inbox.resolve("a.csv")));
        Map<String, String> inboxBefore = tree(inbox);
        // the journal (its lock beside it names whoever holds it: the dry run holds it while it reads)
        String ledgerBefore = Files.readString(dir.resolve("ledger/ledger.journal"));
        Map<String, String> outputsBefore = tree(dir.resolve("success"));
        outputsBefore.putAll(tree(dir.resolve("failure")));

        Printed dry = run(settings(), "--once", "--dry-run");

        assertThat(dry.exitCode()).as(dry.err()).isZero();
        List<String> lines = dry.out().lines().toList();
        assertThat(lines).first().isEqualTo("Dry run: nothing is sent to Kaleyra, no file is moved, nothing is written to the ledger.");
        assertThat(lines).contains("3 files in " + inbox,
                "a.csv [csv, account default]: 13 records, 10 valid, 3 invalid (DUPLICATE_IN_FILE=1, INVALID_SENDER=1, MISSING_SENDER=1)",
                "  in the ledger: 3 registered earlier (success rows, not sent again), 0 pending from a call whose outcome is"
                        + " unknown, 0 rejected earlier (both sent again)",
                "b.json [json, account default]: 2 records, 2 valid, 0 invalid",
                "c.csv [?, account default]: 1 records, 0 valid, 1 invalid (FILE_UNREADABLE=1)",
                "  FILE_UNREADABLE: empty file (0 bytes)",
                "  would send no call");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "  would send 3 calls: 1 sender \\([0-9]+ bytes\\), 4 senders \\([0-9]+ bytes\\), 2 senders \\([0-9]+ bytes\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  would send 1 call: 2 senders \\([0-9]+ bytes\\)"));
        assertThat(lines).last().asString().startsWith("All files: 3 files, 16 records, 12 valid, 4 invalid (DUPLICATE_IN_FILE=1,"
                + " FILE_UNREADABLE=1, INVALID_SENDER=1, MISSING_SENDER=1), 3 registered earlier; would send 4 calls (9 senders, ");
        assertThat(dry.out()).doesNotContain("<script>", "JSONBB", "SX0005");

        assertThat(sandbox.postCalls()).as("calls to Kaleyra").isEqualTo(earlierCalls);
        assertThat(tree(inbox)).as("the drop").isEqualTo(inboxBefore);
        assertThat(Files.readString(dir.resolve("ledger/ledger.journal"))).as("the ledger").isEqualTo(ledgerBefore)
                .contains("SX0003|in");
        Map<String, String> outputsAfter = tree(dir.resolve("success"));
        outputsAfter.putAll(tree(dir.resolve("failure")));
        assertThat(outputsAfter).as("the outputs").isEqualTo(outputsBefore);

        // the run itself makes the calls foretold, of the sizes foretold
        assertThat(OnceRun.of(settings()).exitCode()).isZero();
        List<Integer> sizes = new ArrayList<>(sandbox.requestSizes().subList(earlierRequests, sandbox.requestSizes().size()));
        assertThat(sizes).containsExactlyInAnyOrder(1, 4, 2, 2);
    }

    /** The content of every table of the database, by table: what the ledger holds. */
    private static Map<String, String> tables(EmbeddedPostgresServer.Database database) throws Exception {
        Map<String, String> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(database.url(), database.username(), database.password());
                Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select table_name from information_schema.tables where table_schema = current_schema()")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            for (String name : names) {
                try (ResultSet r = s.executeQuery("select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '')"
                        + " from " + name + " t")) {
                    r.next();
                    tables.put(name, r.getString(1));
                }
            }
        }
        return tables;
    }

    @Test
    void readsADatabaseLedgerWithoutWritingToIt() throws Exception {
        EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.newDatabase();
        Properties settings = settings();
        PostgresLedgerTest.postgres(database, "1").forEach(settings::setProperty);
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("earlier.csv"), SenderFiles.csv(1, 3));
        assertThat(OnceRun.of(settings).exitCode()).isZero();
        Files.writeString(inbox.resolve("again.csv"), SenderFiles.csv(1, 5));
        Map<String, String> before = tables(database);
        assertThat(before).containsKeys("sender_ledger", "pending_call", "file_ledger", "sender_owner");
        int calls = sandbox.postCalls();

        Printed dry = run(settings, "--once", "--dry-run");

        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("again.csv [csv, account default]: 5 records, 5 valid, 0 invalid",
                "  in the ledger: 3 registered earlier", "  would send 2 calls: 1 sender (", "), 1 sender (");
        assertThat(tables(database)).as("the ledger's tables").isEqualTo(before);
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(inbox.resolve("again.csv")).exists();
    }

    @Test
    void checksOneFileWhereverItIs() throws Exception {
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/waiting.csv"), SenderFiles.csv(3));
        Path feed = Files.createDirectories(dir.resolve("partner")).resolve("new-feed.jsonl");
        Files.writeString(feed, "{\"sender\":\"FEEDAA\",\"description\":\"d\",\"iso_code\":\"in\",\"entity_id\":\"123456789012\"}\n"
                + "not json\n{\"sender\":\"FEEDAB\",\"description\":\"d\",\"iso_code\":\"zz\",\"entity_id\":\"123456789012\"}\n");

        Printed dry = run(settings(), "--once", "--dry-run", "--file", feed.toString());

        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("new-feed.jsonl [jsonl, account default]: 3 records, 1 valid, 2 invalid"
                + " (INVALID_ISO_CODE=1, PARSE_ERROR=1)", "All files: 1 file, ").doesNotContain("waiting.csv");
        assertThat(sandbox.postCalls()).isZero();
        assertThat(feed).exists();
        assertThat(dir.resolve("inbox/waiting.csv")).exists();
    }

    @Test
    void goesWithOnceOnly() {
        Printed withoutOnce = run(settings(), "--dry-run");
        assertThat(withoutOnce.exitCode()).isEqualTo(1);
        assertThat(withoutOnce.err()).contains("--dry-run goes with --once");
        Printed fileAlone = run(settings(), "--once", "--file", "x.csv");
        assertThat(fileAlone.exitCode()).isEqualTo(1);
        assertThat(fileAlone.err()).contains("--file goes with --once --dry-run");
        Printed noSuchFile = run(settings(), "--once", "--dry-run", "--file", dir.resolve("missing.csv").toString());
        assertThat(noSuchFile.exitCode()).isEqualTo(1);
        assertThat(noSuchFile.err()).contains("missing.csv is not a file");
        assertThat(sandbox.postCalls()).isZero();
    }
}
