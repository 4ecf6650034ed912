package org.senderroute.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls per second of each account shared by every instance of a PostgreSQL ledger, exactly: whatever the number
 * of instances, the calls of an account start at least {@code 1 s / sender.http.max-requests-per-second} apart.
 * <p>
 * A generic cell rate algorithm kept in the database: the row of {@code call_rate} of an account holds the next free
 * start ({@code next_at}, UTC by the database's clock, so that the instances' own clocks do not matter). A call
 * reserves its start in one statement, which takes the row's lock for that statement only: its start is the later of
 * {@code next_at} and now, and {@code next_at} moves one interval past it. The caller then sleeps until its start,
 * holding nothing. A reservation is never given back: a caller interrupted while it waits (a stop) leaves its start
 * unused, which only slows the others down. Waits are as long as the reservations ahead: at most about one interval
 * per thread of all the instances calling for the account at once.
 * <p>
 * Each instance spaces its calls by its own setting; instances sharing a database should have the same one.
 */
public final class PostgresCallRate implements CallRate {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCallRate.class);

    private static final String NOW = "(clock_timestamp() AT TIME ZONE 'UTC')";
    private static final String INTERVAL = "(? * INTERVAL '1 microsecond')";
    /** Reserves the account's next start: returns the new next_at (one interval past this call's start) and now. */
    private static final String RESERVE = "INSERT INTO call_rate (account, next_at) VALUES (?, " + NOW + " + "
            + INTERVAL + ") ON CONFLICT (account) DO UPDATE SET next_at = GREATEST(call_rate.next_at, " + NOW + ") + "
            + INTERVAL + " RETURNING next_at, " + NOW;

    private final LedgerDatabase database;
    private final long intervalMicros;

    /** @param callsPerSecond the calls per second of each account, for all instances together */
    public PostgresCallRate(LedgerDatabase database, int callsPerSecond) {
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException("calls per second must be at least 1, was " + callsPerSecond);
        }
        this.database = database;
        // rounded up: never more than the budget
        this.intervalMicros = (1_000_000L + callsPerSecond - 1) / callsPerSecond;
    }

    @Override
    public void acquire(String account) throws InterruptedException {
        start(account);
    }

    /** Reserves the account's next start and sleeps until then; returns that start, by the database's clock. */
    LocalDateTime start(String account) throws InterruptedException {
        Reservation reservation = reserve(account);
        if (reservation.delay.toSeconds() >= 1) {
            LOG.debug("a call for account {} waits {} ms for its turn", account, reservation.delay.toMillis());
        }
        // no sleep when the start is now or past
        TimeUnit.NANOSECONDS.sleep(reservation.delay.toNanos());
        return reservation.start;
    }

    /** This call's start (UTC), and how long that is from now, both by the database's clock. */
    private record Reservation(LocalDateTime start, Duration delay) {
    }

    private Reservation reserve(String account) {
        return database.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(RESERVE)) {
                s.setString(1, account);
                s.setLong(2, intervalMicros);
                s.setLong(3, intervalMicros);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    LocalDateTime start = rs.getObject(1, LocalDateTime.class).minusNanos(intervalMicros * 1000);
                    LocalDateTime now = rs.getObject(2, LocalDateTime.class);
                    return new Reservation(start, Duration.between(now, start));
                }
            }
        });
    }
}
