package org.senderroute.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.JarProcess;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One journal, one instance: the built jar running as a service on the default journal, a second process started on
 * the same journal is refused in one line naming the first; once the first is killed (SIGKILL), the next start takes
 * the journal. The sandbox runs in this JVM so that it outlives the module's processes.
 */
class SingleJournalIT {

    @TempDir
    Path workDir;
    KaleyraSandbox sandbox;
    JarProcess first;

    @BeforeEach
    void startSandbox() {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (first != null && first.process().isAlive()) {
            first.process().destroyForcibly();
            first.waitFor(20);
        }
        sandbox.close();
    }

    private Map<String, String> environment(String instance) {
        Map<String, String> env = JarProcess.environmentFor(sandbox);
        env.putAll(Map.of("SENDER_INBOX_MIN_AGE", "0", "SENDER_INBOX_POLL_DELAY", "200", "CAMEL_MANAGEMENT_ENABLED", "false",
                "SENDER_INSTANCE_ID", instance));
        return env;
    }

    private Path drop(String name, int records) throws Exception {
        Path inbox = workDir.resolve("data/inbox");
        Files.createDirectories(inbox);
        Path staging = workDir.resolve(name + ".tmp");
        Files.writeString(staging, SenderFiles.csv(records));
        Files.move(staging, inbox.resolve(name));
        return inbox.resolve(".done").resolve(name);
    }

    @Test
    void aSecondInstanceOnTheJournalIsRefusedUntilTheFirstIsGoneEvenKilled() throws Exception {
        first = JarProcess.start(workDir, environment("first-service"));
        Path firstDone = drop("first.csv", 3);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(firstDone));
        Path journal = workDir.toRealPath().resolve("data/ledger/ledger.journal");
        int calls = sandbox.postCalls();

        JarProcess second = JarProcess.start(workDir, environment("second-once"), "--once");
        assertThat(second.waitFor(60)).isTrue();
        String refused = second.output();
        assertThat(second.exitValue()).as(refused).isEqualTo(1);
        assertThat(refused.lines().filter(l -> l.contains("is in use")).toList()).singleElement().satisfies(l -> assertThat(l)
                .startsWith("kaleyra-sender-route cannot start: the ledger journal " + journal + " (sender.ledger.journal)"
                        + " is in use by another running instance (instance first-service, process " + first.process().pid())
                .endsWith("one journal serves one instance: for several instances use sender.ledger.store=jdbc"));
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(first.process().isAlive()).as("the first goes on").isTrue();
        assertThat(Path.of(journal + ".lock")).content()
                .contains("instance first-service, process " + first.process().pid());

        first.process().destroyForcibly();
        assertThat(first.waitFor(20)).isTrue();
        Path thirdDone = drop("third.csv", 2);
        JarProcess third = JarProcess.start(workDir, environment("third-once"), "--once");
        assertThat(third.waitFor(60)).isTrue();
        assertThat(third.exitValue()).as(third.output()).isZero();
        assertThat(third.output()).contains("Instance: third-once");
        assertThat(thirdDone).exists();
        assertThat(Path.of(journal + ".lock")).content().contains("instance third-once");
    }
}
