package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Instances sharing a PostgreSQL ledger share the calls per second of each account: the calls of one account start
 * at least one interval apart whatever instance and thread they come from, and each account has a budget of its own.
 */
class PostgresCallRateTest {

    private static final int PER_SECOND = 10;
    private static final Duration INTERVAL = Duration.ofMillis(1000 / PER_SECOND);
    private static final int INSTANCES = 3;
    private static final int THREADS_PER_INSTANCE = 2;
    private static final int CALLS_PER_THREAD = 4;

    private DataSource dataSource;

    @BeforeEach
    void database() {
        dataSource = EmbeddedPostgresServer.newDatabase().dataSource();
        new LedgerDatabase(dataSource, "the test's PostgreSQL database").createSchema();
    }

    /** One call's turn: the account, its start by the database's clock, and when the caller was let go. */
    private record Turn(String account, LocalDateTime start, Instant released) {
    }

    @Test
    void theCallsOfAnAccountAreSpacedAcrossInstancesAndEachAccountHasItsOwnBudget() throws Exception {
        List<PostgresCallRate> instances = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            instances.add(new PostgresCallRate(new LedgerDatabase(dataSource, "instance " + i), PER_SECOND));
        }
        ConcurrentLinkedQueue<Turn> turns = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(INSTANCES * THREADS_PER_INSTANCE * 2);
        List<Future<?>> callers = new ArrayList<>();
        try {
            for (String account : List.of("acme", "globex")) {
                for (PostgresCallRate rate : instances) {
                    for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
                        callers.add(threads.submit(() -> {
                            go.await();
                            for (int c = 0; c < CALLS_PER_THREAD; c++) {
                                LocalDateTime start = rate.start(account);
                                turns.add(new Turn(account, start, Instant.now()));
                            }
                            return null;
                        }));
                    }
                }
            }
            go.countDown();
            for (Future<?> caller : callers) {
                caller.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        int callsPerAccount = INSTANCES * THREADS_PER_INSTANCE * CALLS_PER_THREAD;
        for (String account : List.of("acme", "globex")) {
            List<Turn> ofAccount = turns.stream().filter(t -> t.account().equals(account))
                    .sorted(Comparator.comparing(Turn::start)).toList();
            assertThat(ofAccount).hasSize(callsPerAccount);
            for (int i = 1; i < ofAccount.size(); i++) {
                assertThat(Duration.between(ofAccount.get(i - 1).start(), ofAccount.get(i).start()))
                        .as("the starts given to the calls of " + account + ", one interval apart")
                        .isGreaterThanOrEqualTo(INTERVAL);
            }
            for (Turn turn : ofAccount) {
                // the database runs on this machine: one clock
                assertThat(turn.released()).as("no caller let go before its start")
                        .isAfterOrEqualTo(utc(turn.start()).minusMillis(1));
            }
        }

        // two budgets: both accounts' calls together take about as long as one account's, not twice as long
        List<LocalDateTime> all = turns.stream().map(Turn::start).sorted().toList();
        assertThat(Duration.between(all.get(0), all.get(all.size() - 1)))
                .as("the calls of both accounts, each in its own budget")
                .isLessThan(INTERVAL.multipliedBy(callsPerAccount + callsPerAccount / 2));
    }

    @Test
    void theFirstCallOfAnAccountStartsAtOnceAndAnIdleAccountHasNoBacklog() throws Exception {
        PostgresCallRate rate = new PostgresCallRate(new LedgerDatabase(dataSource, "db"), 1);
        Instant before = Instant.now();
        LocalDateTime first = rate.start("acme");
        assertThat(utc(first)).as("the first call, at once").isBetween(before.minusMillis(1), Instant.now());
        LocalDateTime second = rate.start("acme");
        assertThat(Duration.between(first, second)).as("the second call at 1 per second").isEqualTo(Duration.ofSeconds(1));
        assertThat(Instant.now()).as("let go at its start").isAfterOrEqualTo(utc(second).minusMillis(1));

        // an hour without calls: the next one starts at once, and the one after it a whole interval later
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE call_rate SET next_at = next_at - INTERVAL '1 hour'");
        }
        before = Instant.now();
        LocalDateTime afterIdle = rate.start("acme");
        assertThat(utc(afterIdle)).as("after an idle hour, at once").isBetween(before.minusMillis(1), Instant.now());
        assertThat(Duration.between(afterIdle, rate.start("acme"))).as("no burst from the idle hour")
                .isEqualTo(Duration.ofSeconds(1));
    }

    private static Instant utc(LocalDateTime databaseTime) {
        return databaseTime.toInstant(ZoneOffset.UTC);
    }

    @Test
    void aDatabaseThatCannotReserveTheTurnRefusesTheCall() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE call_rate");
        }
        PostgresCallRate rate = new PostgresCallRate(new LedgerDatabase(dataSource, "db"), 5);
        assertThatThrownBy(() -> rate.acquire("acme")).isInstanceOf(LedgerException.class).hasMessageContaining("call_rate");
    }
}
