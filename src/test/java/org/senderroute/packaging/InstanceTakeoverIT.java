package org.senderroute.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.JarInstances;
import org.senderroute.testsupport.Outputs;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the built jar on one inbox and one PostgreSQL ledger; the one holding a file is killed (SIGKILL)
 * in the middle of it. Its claim ends with its connections, and the other instance takes the file at its next poll
 * (poll delay 0.2 s here) and finishes it under the output names the file ledger gave it: every record ends once,
 * none fails, and no sender is created twice. Both instances have each processed a file before, as instances that
 * have been running for a while. Killed between calls, and killed while a call is in flight (Kaleyra
 * created its senders, the reply never came back): the instance finishing the file must then take the dead
 * instance's senders of unknown outcome as such, so that "Already exist" for them is a success.
 */
class InstanceTakeoverIT {

    private static final String FILE = "big.csv";
    private static final int WARM_UP_RECORDS = 1000;
    /** The takeover: the survivor's next poll (0.2 s), with room for a machine shared with other builds. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    KaleyraSandbox sandbox;
    EmbeddedPostgresServer.Database ledger;
    JarInstances instances;
    /** Senders the sandbox created for the warm-up files. */
    int warmUp;

    @AfterEach
    void stop() throws Exception {
        if (instances != null) {
            instances.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void killedBetweenCallsItsFileIsFinishedByTheOtherInstance() throws Exception {
        int records = 10_000;
        // one call at a time: once a call is answered nothing is in flight
        String holder = startTwoAndDrop(records, Duration.ofMillis(200), 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> created() >= records / 4);
        // from now on every call is refused with 429 (nothing created), to be tried again 30 s later: once the
        // instance has had its answer, it waits with no call in flight
        sandbox.faults().failNext(1_000_000, 429, null, 30);
        awaitNoCallFor(Duration.ofMillis(1500));
        assertThat(sandbox.faults().pending()).as("a call was refused: the instance waits to retry").isLessThan(1_000_000);
        assertThat(count("SELECT COUNT(*) FROM sender_ledger WHERE state = 'CREATED'"))
                .as("no call in flight: every sender created is recorded").isEqualTo(sandbox.createdCount());

        String stem = outputStem();
        Instant killed = kill(holder, records);
        sandbox.faults().reset();

        assertTakenOverAndFinished(holder, killed, stem, records);
    }

    @Test
    void killedWhileACallIsInFlightItsFileIsFinishedByTheOtherInstance() throws Exception {
        int records = 6_000;
        String holder = startTwoAndDrop(records, Duration.ofMillis(1000), 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> created() >= records / 4);
        // a call has just created its senders: its reply comes back a second later, to nobody
        int before = sandbox.createdCount();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> sandbox.createdCount() > before);

        String stem = outputStem();
        Instant killed = kill(holder, records);
        assertThat(count("SELECT COUNT(*) FROM sender_ledger WHERE state = 'CREATED'"))
                .as("a call was in flight: the sandbox created senders the ledger does not record as created")
                .isLessThan(sandbox.createdCount());

        assertTakenOverAndFinished(holder, killed, stem, records);
    }

    /** Starts blue and green, drops the file, and returns the instance that claimed it. */
    private String startTwoAndDrop(int records, Duration latency, int callsInFlight) throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults().withLatency(latency)).start();
        ledger = EmbeddedPostgresServer.newDatabase();
        instances = new JarInstances(dir, ledger, Map.of(
                "kaleyra.base-url", sandbox.baseUrl(),
                "kaleyra.sid", sandbox.settings().sid(),
                "kaleyra.api-key", sandbox.settings().apiKey(),
                "sender.batch.size", "250",
                "sender.http.max-concurrent-calls", Integer.toString(callsInFlight),
                "sender.http.max-requests-per-second", "1000",
                // each settled call written at once: only a call in flight has an outcome the ledger does not hold
                "sender.ledger.flush-every", "1"));
        instances.start("blue");
        instances.start("green");
        instances.awaitRunning(Duration.ofSeconds(90));
        Files.createDirectories(instances.inbox());

        // one file each first: the second is dropped while the instance that took the first is busy with it
        drop("warm-1.csv", SenderFiles.csv(900_001, WARM_UP_RECORDS));
        awaitClaimed("warm-1.csv");
        drop("warm-2.csv", SenderFiles.csv(910_001, WARM_UP_RECORDS));
        Path warmDone = instances.inbox().resolve(".done");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                Files.exists(warmDone.resolve("warm-1.csv")) && Files.exists(warmDone.resolve("warm-2.csv")));
        assertThat(List.of(instances.whoProcessed("warm-1.csv"), instances.whoProcessed("warm-2.csv")))
                .as("each instance processed one file first").containsExactlyInAnyOrder(List.of("blue"), List.of("green"));
        warmUp = sandbox.createdCount();
        assertThat(warmUp).isEqualTo(2 * WARM_UP_RECORDS);

        drop(FILE, SenderFiles.csv(records));
        return awaitClaimed(FILE);
    }

    /** Puts a complete file into the shared inbox at once (written aside, dated back, then moved). */
    private void drop(String name, String content) throws Exception {
        Path aside = dir.resolve(name + ".part");
        Files.writeString(aside, content);
        Files.setLastModifiedTime(aside, FileTime.from(Instant.now().minusSeconds(60)));
        Files.move(aside, instances.inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits until an instance has claimed the file, and returns its name. */
    private String awaitClaimed(String name) {
        String[] holder = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> (holder[0] = claimHolder(name)) != null);
        return holder[0];
    }

    /** Senders the sandbox created for the large file. */
    private int created() {
        return sandbox.createdCount() - warmUp;
    }

    private Instant kill(String holder, int records) throws InterruptedException {
        instances.kill(holder);
        Instant killed = Instant.now();
        assertThat(created()).as("killed in the middle of the file").isLessThan(records);
        assertThat(Outputs.files(instances.successDir(), "big")).as("nothing delivered by the killed instance").isEmpty();
        return killed;
    }

    private void assertTakenOverAndFinished(String killedOne, Instant killed, String stem, int records) throws Exception {
        String survivor = instances.names().stream().filter(n -> !n.equals(killedOne)).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> survivor.equals(claimHolder(FILE)));
        assertThat(Duration.between(killed, Instant.now())).as("the file claimed by " + survivor + " after the kill")
                .isLessThan(TAKEOVER_BOUND);

        Path done = instances.inbox().resolve(".done").resolve(FILE);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(done));
        assertThat(instances.whoProcessed(FILE)).containsExactly(survivor);

        List<Map<String, String>> failed = Outputs.rows(instances.failureDir(), "big");
        assertThat(failed).as("failure rows (a sender of the killed instance's call sent again and refused as"
                + " \"Already exist\" would be one): %s", failed.stream().limit(3).toList()).isEmpty();
        assertThat(Outputs.files(instances.successDir(), "big")).as("delivered under the name given when the file was taken")
                .singleElement().satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(stem + ".success.csv"));
        List<Map<String, String>> created = Outputs.rows(instances.successDir(), "big");
        assertThat(created.stream().map(r -> Integer.parseInt(r.get("record"))).sorted().toList())
                .as("every record once").isEqualTo(IntStream.rangeClosed(1, records).boxed().toList());
        assertThat(created).as("the killed instance's senders are told as created earlier")
                .anySatisfy(r -> assertThat(r.get("message")).startsWith("registered earlier by this module"));
        assertThat(created()).as("each sender created once").isEqualTo(records);
        assertThat(sandbox.registered().stream().map(s -> s.sender() + s.isoCode()).distinct().count())
                .isEqualTo(records + warmUp);
    }

    /** Waits until the sandbox has received no call for that long. */
    private void awaitNoCallFor(Duration quiet) {
        int[] calls = {sandbox.postCalls()};
        Instant[] since = {Instant.now()};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            int now = sandbox.postCalls();
            if (now != calls[0]) {
                calls[0] = now;
                since[0] = Instant.now();
            }
            return Duration.between(since[0], Instant.now()).compareTo(quiet) >= 0;
        });
    }

    /** The instance whose claim of the file the ledger shows, or null. */
    private String claimHolder(String name) throws SQLException {
        return text("SELECT instance FROM file_claim WHERE file_key LIKE ?", "%|" + name);
    }

    /** The output names the file ledger gave the file when it was taken. */
    private String outputStem() throws SQLException {
        String stem = text("SELECT output_stem FROM file_ledger WHERE file_name LIKE ?", "%" + FILE);
        assertThat(stem).as("the file ledger's row of " + FILE).isNotNull();
        return stem;
    }

    private String text(String sql, String parameter) throws SQLException {
        try (Connection c = ledger.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = ledger.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
