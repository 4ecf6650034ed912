package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.senderroute.domain.FileClaims;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances claiming the same file in one PostgreSQL database: one holds it at a time, also when both ask at the
 * same instant, and the claim of an instance that dies (its connection gone, nothing released) is free for the other
 * at once.
 */
class PostgresFileClaimsTest {

    private static final String KEY = "file:/srv/inbox|acme/senders.csv";

    private DataSource dataSource;
    /** The connections the first instance was given, as the pool would hand them out. */
    private final List<Connection> firstConnections = new CopyOnWriteArrayList<>();

    @BeforeEach
    void database() {
        dataSource = EmbeddedPostgresServer.newDatabase().dataSource();
        new LedgerDatabase(dataSource, "the test's PostgreSQL database").createSchema();
    }

    @Test
    void aFileClaimedByOneInstanceIsRefusedToAnotherUntilReleased() throws SQLException {
        FileClaims first = new PostgresFileClaims(dataSource, "first", Clock.systemUTC());
        FileClaims second = new PostgresFileClaims(dataSource, "second", Clock.systemUTC());

        Optional<FileClaims.Claim> held = first.tryClaim(KEY);
        assertThat(held).isPresent();
        assertThat(claimRow()).isEqualTo("first");
        assertThat(second.tryClaim(KEY)).as("held by the first").isEmpty();
        assertThat(first.tryClaim(KEY)).as("held by the first, on another connection").isEmpty();
        try (FileClaims.Claim other = second.tryClaim("file:/srv/inbox|acme/other.csv").orElseThrow()) {
            assertThat(other).isNotNull();
        }

        held.get().close();
        assertThat(claimRow()).isNull();
        FileClaims.Claim taken = second.tryClaim(KEY).orElseThrow();
        assertThat(claimRow()).isEqualTo("second");
        assertThat(first.tryClaim(KEY)).isEmpty();
        taken.close();
        taken.close();
        assertThat(first.tryClaim(KEY)).as("released once, free again").isPresent();
    }

    @Test
    void ofTwoInstancesAskingForAFileAtTheSameInstantOneGetsIt() throws Exception {
        FileClaims blue = new PostgresFileClaims(dataSource, "blue", Clock.systemUTC());
        FileClaims green = new PostgresFileClaims(dataSource, "green", Clock.systemUTC());
        int races = 150;
        int blueWon = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int race = 0; race < races; race++) {
                String key = KEY + "." + race;
                // both ask once the barrier lets them go, and hold what they got until both have asked
                CyclicBarrier asked = new CyclicBarrier(2);
                CyclicBarrier go = new CyclicBarrier(2);
                Future<Boolean> byBlue = pool.submit(() -> ask(blue, key, go, asked));
                Future<Boolean> byGreen = pool.submit(() -> ask(green, key, go, asked));
                boolean blueGot = byBlue.get(30, TimeUnit.SECONDS);
                boolean greenGot = byGreen.get(30, TimeUnit.SECONDS);
                assertThat(blueGot ^ greenGot).as("race %d: exactly one of the two holds the claim (blue %s, green %s)",
                        race, blueGot, greenGot).isTrue();
                blueWon += blueGot ? 1 : 0;
                FileClaims.Claim after = blue.tryClaim(key).orElse(null);
                assertThat(after).as("race %d: released by its winner", race).isNotNull();
                after.close();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(blueWon).as("each instance won some of the %d races: they did ask together", races)
                .isBetween(1, races - 1);
    }

    /** Asks for the claim when released by {@code go}, waits for the other's answer, then lets its claim go. */
    private static boolean ask(FileClaims claims, String key, CyclicBarrier go, CyclicBarrier asked) throws Exception {
        go.await(20, TimeUnit.SECONDS);
        Optional<FileClaims.Claim> got = claims.tryClaim(key);
        asked.await(20, TimeUnit.SECONDS);
        got.ifPresent(FileClaims.Claim::close);
        return got.isPresent();
    }

    @Test
    void theClaimOfAnInstanceWhoseConnectionIsGoneIsFreeForAnother() throws SQLException {
        FileClaims first = new PostgresFileClaims(recording(), "first", Clock.systemUTC());
        FileClaims second = new PostgresFileClaims(dataSource, "second", Clock.systemUTC());

        assertThat(first.tryClaim(KEY)).isPresent();
        assertThat(second.tryClaim(KEY)).isEmpty();
        // the first instance dies: its connection is cut, the claim never closed
        assertThat(firstConnections).hasSize(1);
        firstConnections.get(0).abort(Runnable::run);

        FileClaims.Claim[] taken = new FileClaims.Claim[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> (taken[0] = second.tryClaim(KEY).orElse(null)) != null);
        assertThat(claimRow()).as("the dead instance's row replaced").isEqualTo("second");
        taken[0].close();
    }

    @Test
    void aClaimClosedWithoutReleaseWhenItsConnectionClosesIsFreeForAnother() throws SQLException {
        FileClaims first = new PostgresFileClaims(recording(), "first", Clock.systemUTC());
        FileClaims second = new PostgresFileClaims(dataSource, "second", Clock.systemUTC());

        assertThat(first.tryClaim(KEY)).isPresent();
        assertThat(second.tryClaim(KEY)).isEmpty();
        firstConnections.get(0).close();

        FileClaims.Claim[] taken = new FileClaims.Claim[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> (taken[0] = second.tryClaim(KEY).orElse(null)) != null);
        taken[0].close();
    }

    @Test
    void theLockNumberDependsOnTheWholeKey() {
        assertThat(PostgresFileClaims.lockOf(KEY)).isEqualTo(PostgresFileClaims.lockOf(KEY))
                .isNotEqualTo(PostgresFileClaims.lockOf(KEY + "x"))
                .isNotEqualTo(PostgresFileClaims.lockOf("file:/srv/other|acme/senders.csv"));
    }

    /** The instance holding the claim of {@link #KEY}, as its row says (null: no row). */
    private String claimRow() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT instance FROM file_claim WHERE file_key = '" + KEY + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The test's database, keeping each connection it opens in {@link #firstConnections}. */
    private DataSource recording() {
        DataSource real = dataSource;
        return (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (result instanceof Connection c) {
                        firstConnections.add(c);
                    }
                    return result;
                });
    }
}
