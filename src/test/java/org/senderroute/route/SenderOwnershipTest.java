package org.senderroute.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.domain.SenderRequest;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances sharing a PostgreSQL ledger never send a sender at once: one owns it until its batch is over, the other
 * waits and then finds its outcome in the ledger; the senders of an instance gone during a call are taken over with
 * their outcome unknown, so that Kaleyra's "Already exist" for them is a success.
 */
class SenderOwnershipTest {

    @TempDir
    Path dir;
    private KaleyraSandbox sandbox;
    private SharedLedgerInstances instances;

    @AfterEach
    void stop() {
        if (instances != null) {
            instances.close();
        }
    }

    private void start(SandboxSettings settings) {
        sandbox = new KaleyraSandbox(settings).start();
        instances = new SharedLedgerInstances(dir, sandbox);
    }

    @Test
    void twoInstancesGivenTheSameSendersAtOnceSendEachOfThemOnce() throws IOException {
        int records = 300;
        start(SandboxSettings.defaults().withLatency(Duration.ofMillis(150)));
        List<RouteHarness> apps = List.of(instance("blue"), instance("green"));

        // the same senders, in opposite orders: the two instances' batches overlap in every way
        List<String> lines = SenderFiles.csv(records).lines().toList();
        List<String> reversed = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.reverse(reversed);
        dropTogether(Map.of(apps.get(0), String.join("\n", lines) + "\n",
                apps.get(1), lines.get(0) + "\n" + String.join("\n", reversed) + "\n"));
        apps.forEach(app -> app.awaitTaken("same.csv", Duration.ofSeconds(90)));

        for (RouteHarness app : apps) {
            assertThat(app.failureRows("same")).as("failure rows").isEmpty();
            app.assertEveryRecordOnce("same", records);
        }
        assertThat(sandbox.createdCount()).isEqualTo(records);
        assertThat(sandbox.requestSizes().stream().mapToInt(Integer::intValue).sum())
                .as("senders sent in all, by both instances").isEqualTo(records);
        List<String> messages = new ArrayList<>();
        apps.forEach(app -> app.successRows("same").forEach(r -> messages.add(r.get("message"))));
        assertThat(messages.stream().filter(m -> m.startsWith("registered earlier by this module"))).as(
                "the senders the other instance created").hasSize(records);
    }

    @Test
    void theSendersOfAnInstanceGoneDuringACallAreSuccessesWhenKaleyraSaysTheyExist() throws IOException {
        List<SenderRequest> sentByTheGone = IntStream.rangeClosed(1, 20)
                .mapToObj(i -> SenderRequest.of(i, SenderFiles.sender(i), "Generated sender " + i, "in",
                        Long.toString(100000000000L + i))).toList();
        // what that call created: Kaleyra holds them, and answers "Already exist" to them
        start(SandboxSettings.defaults().withPreRegistered(sentByTheGone.stream().map(r -> "in:" + r.sender()).toList()));
        EmbeddedPostgresServer.Database database = instances.database();
        RouteHarness green = instance("green");
        // green has read the ledger before the other instance made its call
        green.drop("first.csv", "sender,description,iso_code,entity_id\nFIRSTS,First,in,100000009999\n");
        green.awaitTaken("first.csv");

        // an instance owns 20 senders and records its call, then dies before the reply (its session ends with it)
        String sid = sandbox.settings().sid();
        JdbcSenderLedger gone = new JdbcSenderLedger(new LedgerDatabase(database.dataSource(), "gone"), 1, "gone");
        gone.start();
        assertThat(gone.own(sid, sentByTheGone).busy()).isEmpty();
        gone.callStarted(sid, "taken.csv", sentByTheGone);
        gone.stop();

        green.drop("taken.csv", SenderFiles.csv(30));
        green.awaitTaken("taken.csv");

        assertThat(green.failureRows("taken")).as("failure rows").isEmpty();
        green.assertEveryRecordOnce("taken", 30);
        Map<String, String> messages = RouteHarness.byRecord(green.successRows("taken"), "message");
        IntStream.rangeClosed(1, 20).forEach(record -> assertThat(messages.get(Integer.toString(record)))
                .as("record %d", record).startsWith("created by an earlier call whose reply was lost"));
        IntStream.rangeClosed(21, 30).forEach(record -> assertThat(messages.get(Integer.toString(record)))
                .as("record %d", record).doesNotContain("earlier"));
        assertThat(sandbox.createdCount()).as("the first file's sender and the ten new ones").isEqualTo(11);
    }

    @Test
    void sendersAnotherInstanceKeepsLongerThanTheWaitFailAsBusyAndAreNotSent() {
        start(SandboxSettings.defaults());
        EmbeddedPostgresServer.Database database = instances.database();
        RouteHarness green = instance("green", Map.of("sender.ledger.owner-wait", "1500"));
        List<SenderRequest> held = IntStream.rangeClosed(1, 5).mapToObj(i -> SenderRequest.of(i, SenderFiles.sender(i),
                "d", "in", "123456789012")).toList();
        JdbcSenderLedger blue = new JdbcSenderLedger(new LedgerDatabase(database.dataSource(), "blue"), 1, "blue");
        blue.start();
        try {
            assertThat(blue.own(sandbox.settings().sid(), held).busy()).isEmpty();

            green.drop("held.csv", SenderFiles.csv(12));
            green.awaitTaken("held.csv");

            Map<String, String> codes = RouteHarness.byRecord(green.failureRows("held"), "error_code");
            assertThat(codes).as("failure codes by record").containsOnlyKeys("1", "2", "3", "4", "5")
                    .containsValue("SENDER_BUSY");
            assertThat(codes.values()).containsOnly("SENDER_BUSY");
            assertThat(RouteHarness.byRecord(green.failureRows("held"), "error_message").get("1"))
                    .contains("instance blue was sending this sender", "drop the failure file again later");
            assertThat(green.successRows("held")).hasSize(7);
            assertThat(sandbox.requestSizes().stream().mapToInt(Integer::intValue).sum()).as("senders sent")
                    .isEqualTo(7);
        } finally {
            blue.stop();
        }
    }

    private RouteHarness instance(String name) {
        return instance(name, Map.of());
    }

    private RouteHarness instance(String name, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("sender.batch.size", "50");
        return instances.start(name, "5000", settings);
    }

    /** Writes each file beside its inbox, then moves them all in at once. */
    private void dropTogether(Map<RouteHarness, String> contents) throws IOException {
        Map<Path, Path> moves = new HashMap<>();
        for (Map.Entry<RouteHarness, String> e : contents.entrySet()) {
            Path staging = e.getKey().inbox().resolveSibling("staging-same.csv");
            Files.writeString(staging, e.getValue(), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minusSeconds(60)));
            moves.put(staging, e.getKey().inbox().resolve("same.csv"));
        }
        for (Map.Entry<Path, Path> move : moves.entrySet()) {
            Files.move(move.getKey(), move.getValue(), StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
