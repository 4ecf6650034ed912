package org.senderroute.route;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.senderroute.sandbox.KaleyraSandbox;
import org.senderroute.sandbox.SandboxSettings;
import org.senderroute.testsupport.EmbeddedPostgresServer;
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
    private final List<RouteHarness> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(RouteHarness::close);
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theCallsPerSecondOfAnAccountAreSharedByTheInstancesOfOneDatabase() {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.newDatabase();
        for (String instance : INSTANCES) {
            Map<String, String> settings = new HashMap<>(PostgresLedgerTest.postgres(database, "1"));
            settings.put("sender.instance-id", instance);
            settings.put("sender.inbox.poll-delay", "20");
            settings.put("sender.inbox.min-age", "0");
            settings.put("sender.batch.size", "1");
            settings.put("sender.http.max-requests-per-second", Integer.toString(PER_SECOND));
            apps.add(RouteHarness.start(dir.resolve(instance), sandbox, settings));
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
        List<Long> arrivals = sandbox.postArrivalNanos().stream().sorted().toList();
        assertThat(arrivals).hasSize(calls);
        for (int i = PER_SECOND; i < arrivals.size(); i++) {
            assertThat(Duration.ofNanos(arrivals.get(i) - arrivals.get(i - PER_SECOND)))
                    .as("no " + (PER_SECOND + 1) + " calls within a second (give or take the calls' own jitter)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(850));
        }
        for (int i = 0; i < apps.size(); i++) {
            apps.get(i).assertEveryRecordOnce(INSTANCES.get(i), RECORDS);
            assertThat(apps.get(i).failureRows(INSTANCES.get(i))).as("failures of " + INSTANCES.get(i)).isEmpty();
        }
        assertThat(sandbox.createdCount()).isEqualTo(calls);
    }

    @Test
    void noCallIsMadeWithoutATurnFromTheDatabase() throws Exception {
        sandbox = new KaleyraSandbox(SandboxSettings.defaults()).start();
        EmbeddedPostgresServer.Database database = EmbeddedPostgresServer.newDatabase();
        Map<String, String> settings = new HashMap<>(PostgresLedgerTest.postgres(database, "1"));
        settings.put("sender.inbox.poll-delay", "20");
        settings.put("sender.inbox.min-age", "0");
        RouteHarness app = RouteHarness.start(dir.resolve("alone"), sandbox, settings);
        apps.add(app);
        // the turns cannot be reserved any more; the rest of the ledger works
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE call_rate");
        }

        app.drop("no-turn.csv", csv(0));
        assertThat(app.awaitTaken("no-turn.csv").getParent().getFileName().toString()).isEqualTo(".error");
        assertThat(sandbox.postCalls()).as("calls made").isZero();
    }

    /** Records of senders no other instance's file has. */
    private static String csv(int file) {
        StringBuilder s = new StringBuilder("sender,description,iso_code,entity_id\n");
        for (int i = 1; i <= RECORDS; i++) {
            int n = file * 1000 + i;
            s.append(SenderFiles.sender(n)).append(",Generated sender ").append(n).append(",in,")
                    .append(100000000000L + n).append('\n');
        }
        return s.toString();
    }
}
