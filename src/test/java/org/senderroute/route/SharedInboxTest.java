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
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one PostgreSQL ledger watching the same inbox: each file is claimed by one of them and processed
 * once, every record sent once.
 */
class SharedInboxTest {

    private static final int FILES = 10;
    private static final int RECORDS = 50;

    @TempDir
    Path dir;
    private SharedLedgerInstances instances;

    @AfterEach
    void stop() {
        if (instances != null) {
            instances.close();
        }
    }

    @Test
    void eachFileOfASharedInboxIsProcessedByOneInstanceOnce() throws IOException {
        instances = new SharedLedgerInstances(dir, new KaleyraSandbox(SandboxSettings.defaults()).start());
        KaleyraSandbox sandbox = instances.sandbox();
        Path inbox = dir.resolve("inbox");
        for (String instance : List.of("blue", "green")) {
            instances.start(instance, "1", Map.of("sender.inbox", inbox.toString()));
        }

        Files.createDirectories(dir.resolve("staging"));
        for (int f = 0; f < FILES; f++) {
            Path staging = dir.resolve("staging").resolve(name(f));
            Files.writeString(staging, csv(f), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(staging, FileTime.from(Instant.now().minusSeconds(60)));
            Files.move(staging, inbox.resolve(name(f)), StandardCopyOption.ATOMIC_MOVE);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> IntStream
                .range(0, FILES).allMatch(f -> Files.exists(inbox.resolve(".done").resolve(name(f)))));
        // the exchanges of both instances are over: nothing more arrives
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);

        try (Stream<Path> done = Files.list(inbox.resolve(".done"))) {
            assertThat(done.map(p -> p.getFileName().toString()).sorted())
                    .as("each file archived once").containsExactly(IntStream.range(0, FILES).mapToObj(SharedInboxTest::name)
                            .sorted().toArray(String[]::new));
        }
        assertThat(Files.exists(inbox.resolve(".error"))).as("no file failed").isFalse();
        for (int f = 0; f < FILES; f++) {
            String base = "shared-" + f;
            List<String> success = new ArrayList<>();
            List<Map<String, String>> failures = new ArrayList<>();
            for (RouteHarness app : instances.all()) {
                app.successRows(base).forEach(r -> success.add(r.get("record")));
                failures.addAll(app.failureRows(base));
            }
            assertThat(failures).as("failure rows of " + base).isEmpty();
            assertThat(success).as("records of " + base + " across both instances' outputs")
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, RECORDS).mapToObj(Integer::toString)
                            .toList());
        }
        assertThat(sandbox.createdCount()).isEqualTo(FILES * RECORDS);
    }

    private static String name(int f) {
        return "shared-" + f + ".csv";
    }

    /** Records of senders no other file has. */
    private static String csv(int f) {
        return SenderFiles.csvOfFile(f, RECORDS);
    }
}
