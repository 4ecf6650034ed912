package org.senderroute.route;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.RouteHarness;
import org.senderroute.testsupport.SenderFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances on one PostgreSQL ledger calling for the same account: {@code sender.http.max-requests-per-second}
 * is the budget of the account for all of them together, not of each.
 */
class SharedCallRateTest {

    private static final List<String> INSTANCES = List.of("red", "green", "blue");
    /** Each instance's file: alone, an instance would send its calls within this many half-seconds. */
    private static final int RECORDS = 6;
    private static final int PER_SECOND = 2;

    @TempDir
    Path dir;
    private KaleyraSandbox sandbox;
    private SharedLedgerInstances instances;
    private List<RouteHarness> apps;

    @AfterEach
    void stop() {
        if (instances != null) {
            instances.close();
        }
    }

    private void startSandbox() {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        instances = new SharedLedgerInstances(dir, sandbox);
        apps = instances.all();
    }

    @Test
    void theCallsPerSecondOfAnAccountAreSharedByTheInstancesOfOneDatabase() {
        startSandbox();
        for (String instance : INSTANCES) {
            instances.start(instance, "1", Map.of("sender.batch.size", "1", "sender.http.max-requests-per-second",
                    Integer.toString(PER_SECOND)));
        }

        // each instance makes its first call (its HTTP client, its ledger statements ready), apart from the others
        for (int i = 0; i < apps.size(); i++) {
            String name = "warm-" + INSTANCES.get(i) + ".csv";
            apps.get(i).drop(name, "sender,description,iso_code,entity_id\n" + SenderFiles.sender(900 + i)
                    + ",Warm-up,in," + (100000000900L + i) + "\n");
            apps.get(i).awaitTaken(name);
            assertThat(apps.get(i).successRows("warm-" + INSTANCES.get(i))).hasSize(1);
        }
        sandbox.reset();

        long started = System.nanoTime();
        for (int i = 0; i < apps.size(); i++) {
            apps.get(i).drop(INSTANCES.get(i) + ".csv", csv(i));
        }
        for (int i = 0; i < apps.size(); i++) {
            apps.get(i).awaitTaken(INSTANCES.get(i) + ".csv", Duration.ofSeconds(60));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        int calls = INSTANCES.size() * RECORDS;
        assertThat(sandbox.postCalls()).isEqualTo(calls);
        assertThat(elapsed).as(calls + " calls at " + PER_SECOND + " per second, whatever the instances")
                .isGreaterThanOrEqualTo(Duration.ofMillis((calls - 1) * 1000L / PER_SECOND));
        // (the spacing of the reserved starts is exact: PostgresCallRateTest; a call reaches the sandbox a little after
        // its start, later on a loaded machine, so arrivals are not compared one by one here)
        assertThat(sandbox.postArrivalNanos()).hasSize(calls);
        for (int i = 0; i < apps.size(); i++) {
            apps.get(i).assertEveryRecordOnce(INSTANCES.get(i), RECORDS);
            assertThat(apps.get(i).failureRows(INSTANCES.get(i))).as("failures of " + INSTANCES.get(i)).isEmpty();
        }
        assertThat(sandbox.createdCount()).isEqualTo(calls);
    }

    @Test
    void noCallIsMadeWithoutATurnFromTheDatabase() throws Exception {
        startSandbox();
        RouteHarness app = instances.start("alone", "1", Map.of());
        // the turns cannot be reserved any more; the rest of the ledger works
        try (Connection c = instances.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE call_rate");
        }

        app.drop("no-turn.csv", csv(0));
        assertThat(app.awaitTaken("no-turn.csv").getParent().getFileName().toString()).isEqualTo(".error");
        assertThat(sandbox.postCalls()).as("calls made").isZero();
    }

    /** Records of senders no other instance's file has. */
    private static String csv(int file) {
        return SenderFiles.csvOfFile(file, RECORDS);
    }
}
