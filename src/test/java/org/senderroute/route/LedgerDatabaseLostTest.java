package org.senderroute.route;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.RunVerdict;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.RegisteredSender;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.LogCapture;
import org.senderroute.testsupport.OnceRun;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;
import org.senderroute.testsupport.StoppablePostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL of the ledger stopped during a run, and started again: while it is away, no file is taken and no
 * batch starts, the files in hand stay in the inbox (none fails into .error), readiness is DOWN naming the database;
 * once it is back, every file is processed, every record is in exactly one output and each sender was created once.
 */
class LedgerDatabaseLostTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int FILES = 4;
    private static final int RECORDS = 20;

    @TempDir
    Path dir;
    private KaleyraSandbox sandbox;
    private StoppablePostgres postgres;
    private RouteHarness app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aLedgerDatabaseStoppedMidRunLosesNothingAndSendsNothingTwice() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(400))).start();
        postgres = StoppablePostgres.create(dir.resolve("pgdata"));
        Map<String, String> settings = new HashMap<>(PostgresLedgerTest.postgres(postgres.database(), "1"));
        settings.put("sender.batch.size", "5");
        settings.put("sender.http.max-concurrent-calls", "2");
        settings.put("sender.inbox.min-age", "0");
        settings.put("sender.inbox.poll-delay", "50");
        try (LogCapture logs = LogCapture.start()) {
            app = RouteHarness.start(dir, sandbox, settings);
            await().atMost(Duration.ofSeconds(10)).until(() -> ready().startsWith("{\"status\":\"UP\""));
            for (int f = 0; f < FILES; f++) {
                app.drop(name(f), csv(f));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.postCalls() >= 3);

            postgres.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> ready().startsWith("{\"status\":\"DOWN\""));
            JsonNode check = ledgerCheck();
            assertThat(check.get("status").asText()).isEqualTo("DOWN");
            // Camel's health endpoint writes a message's slashes escaped
            assertThat(check.get("message").asText().replace("\\/", "/")).contains(postgres.database().url(), "cannot be reached")
                    .doesNotContain(postgres.database().password());
            int callsWhileDown = sandbox.postCalls();
            int linesWhileDown = logs.lines().size();
            Thread.sleep(3000);
            assertThat(logs.lines().size() - linesWhileDown).as("polling goes on quietly: no line per poll (every 50 ms)")
                    .isLessThan(8);
            assertThat(sandbox.postCalls()).as("no batch starts while the ledger is away").isEqualTo(callsWhileDown);
            assertThat(inbox(".error")).as("no file fails for want of the ledger").isEmpty();
            assertThat(app.inbox().resolve(name(FILES - 1))).as("a file not taken yet stays in the inbox").exists();

            postgres.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> inbox(".done").size() == FILES);
            await().atMost(Duration.ofSeconds(20)).until(() -> ready().startsWith("{\"status\":\"UP\""));
            assertThat(ledgerCheck().get("status").asText()).isEqualTo("UP");
            assertThat(logs.lines()).as("nothing logged as an error").noneMatch(l -> l.startsWith("ERROR"));
            assertThat(logs.lines()).as("the file in hand was left in the inbox, then processed again")
                    .anyMatch(l -> l.contains(".csv: left in the inbox to be processed again once the ledger"));
            assertThat(logs.lines()).as("one WARN when the database goes, one INFO when it is back")
                    .filteredOn(l -> l.contains("DatabaseAvailability")).hasSize(2)
                    .anySatisfy(l -> assertThat(l).startsWith("WARN").contains("cannot be reached"))
                    .anySatisfy(l -> assertThat(l).startsWith("INFO").contains("answers again"));
            List<String> senders = IntStream.range(0, FILES).boxed().flatMap(f -> IntStream.rangeClosed(1, RECORDS)
                    .mapToObj(i -> SenderFiles.sender(f * 1000 + i))).toList();
            assertThat(logs.lines()).as("no sender in a log line")
                    .noneMatch(l -> senders.stream().anyMatch(l::contains));
        }

        assertThat(inbox(".error")).isEmpty();
        assertThat(inbox(".done")).containsExactlyInAnyOrder(IntStream.range(0, FILES).mapToObj(f -> name(f))
                .toArray(String[]::new));
        for (int f = 0; f < FILES; f++) {
            app.assertEveryRecordOnce(base(f), RECORDS);
            assertThat(app.failureRows(base(f))).as("failure rows of " + base(f)).isEmpty();
        }
        assertCreatedOnce();
    }

    @Test
    void aOnceRunWithoutItsLedgerDatabaseExitsFiveWithOneLine() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        postgres = StoppablePostgres.create(dir.resolve("pgdata"));
        postgres.stop();
        Properties p = onceSettings();
        Path file = drop(p, name(0), csv(0));

        OnceRun run = OnceRun.of(p);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(RunVerdict.LEDGER_UNAVAILABLE);
        assertThat(run.stderr().strip().lines()).singleElement().asString()
                .contains("the ledger database " + postgres.database().url(), "cannot be reached")
                .doesNotContain(postgres.database().password());
        assertThat(file).as("the file waits in the inbox").exists();
        assertThat(sandbox.postCalls()).isZero();
    }

    @Test
    void aOnceRunThatLosesItsLedgerDatabaseExitsFiveAndTheNextRunCompletesIt() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(Duration.ofMillis(400))).start();
        postgres = StoppablePostgres.create(dir.resolve("pgdata"));
        Properties p = onceSettings();
        for (int f = 0; f < FILES; f++) {
            drop(p, name(f), csv(f));
        }

        CompletableFuture<OnceRun> first = CompletableFuture.supplyAsync(() -> OnceRun.of(p));
        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.postCalls() >= 3);
        postgres.stop();
        OnceRun run = first.get(60, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(RunVerdict.LEDGER_UNAVAILABLE);
        assertThat(run.stderr().strip().lines()).singleElement().asString()
                .contains("the ledger database " + postgres.database().url(), "cannot be reached")
                .doesNotContain(postgres.database().password());
        Path inbox = Path.of(p.getProperty("sender.inbox"));
        assertThat(Files.exists(inbox.resolve(".error"))).as("no file failed for want of the ledger").isFalse();
        assertThat(Files.list(inbox).filter(Files::isRegularFile).count()).as("files left in the inbox").isPositive();

        postgres.start();
        OnceRun again = OnceRun.of(p);
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        for (int f = 0; f < FILES; f++) {
            assertThat(inbox.resolve(".done").resolve(name(f))).exists();
            List<String> records = new ArrayList<>();
            Outputs.rows(dir.resolve("success"), base(f)).forEach(r -> records.add(r.get("record")));
            assertThat(Outputs.rows(dir.resolve("failure"), base(f))).as("failure rows of " + base(f)).isEmpty();
            assertThat(records).as("records of " + base(f)).containsExactlyInAnyOrderElementsOf(
                    IntStream.rangeClosed(1, RECORDS).mapToObj(Integer::toString).toList());
        }
        assertCreatedOnce();
    }

    /** The settings of a --once run on the test's PostgreSQL. */
    private Properties onceSettings() {
        Properties p = RouteHarness.defaults(dir, sandbox);
        PostgresLedgerTest.postgres(postgres.database(), "1").forEach(p::setProperty);
        p.setProperty("sender.batch.size", "5");
        p.setProperty("sender.http.max-concurrent-calls", "2");
        p.setProperty("sender.inbox.min-age", "0");
        p.setProperty("sender.ledger.connection-timeout", "1000");
        return p;
    }

    private static Path drop(Properties p, String name, String content) throws Exception {
        Path inbox = Files.createDirectories(Path.of(p.getProperty("sender.inbox")));
        Path file = inbox.resolve(name);
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }

    /** The sandbox created every sender of every file, and each once. */
    private void assertCreatedOnce() {
        Map<String, Long> created = sandbox.registered().stream()
                .collect(Collectors.groupingBy(RegisteredSender::sender, Collectors.counting()));
        assertThat(created).hasSize(FILES * RECORDS).allSatisfy((sender, times) -> assertThat(times).isOne());
        assertThat(sandbox.createdCount()).isEqualTo(FILES * RECORDS);
    }

    private String ready() throws Exception {
        String base = "http://127.0.0.1:" + app.property("camel.management.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/observe/health/ready?data=true")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The readiness check of the ledger's database. */
    private JsonNode ledgerCheck() throws Exception {
        for (JsonNode check : new ObjectMapper().readTree(ready()).get("checks")) {
            if (check.get("name").asText().equals("ledger-database")) {
                return check;
            }
        }
        throw new AssertionError("no readiness check ledger-database in " + ready());
    }

    private List<String> inbox(String folder) throws Exception {
        Path archive = app.inbox().resolve(folder);
        if (!Files.isDirectory(archive)) {
            return List.of();
        }
        try (var files = Files.list(archive)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static String name(int f) {
        return base(f) + ".csv";
    }

    private static String base(int f) {
        return "lost-" + f;
    }

    /** Records of senders no other file has. */
    private static String csv(int f) {
        return SenderFiles.csvOfFile(f, RECORDS);
    }
}
