package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.senderroute.domain.LedgerAvailability;
import org.senderroute.domain.LedgerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the ledger's database answers, as the work on it found last, or a short check found (a connection of the
 * pool, {@link Connection#isValid} within 2 seconds): at most once per {@code recheckUp} while it answered, once per
 * {@code recheckDown} while it did not. The check runs on a thread of its own, one at a time: a caller (a poll, a
 * readiness probe) is told the last answer at once and never waits for the database. One WARN line when it stops
 * answering, one INFO line when it answers again.
 */
public final class DatabaseAvailability implements LedgerAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAvailability.class);
    private static final int VALID_SECONDS = 2;

    private final DataSource dataSource;
    private final String name;
    private final long recheckUpNanos;
    private final long recheckDownNanos;
    private final Executor checks;
    private final AtomicBoolean checking = new AtomicBoolean();
    private final List<Consumer<String>> whenLost = new CopyOnWriteArrayList<>();
    private volatile String unavailable;
    private volatile long knownAt = System.nanoTime();

    /**
     * @param name   what log lines and readiness call the database (its URL without a password)
     * @param checks where the checks run (a single thread)
     */
    public DatabaseAvailability(DataSource dataSource, String name, Duration recheckUp, Duration recheckDown,
            Executor checks) {
        this.dataSource = dataSource;
        this.checks = checks;
        this.name = name;
        this.recheckUpNanos = recheckUp.toNanos();
        this.recheckDownNanos = recheckDown.toNanos();
    }

    /** Runs with the reason each time the database stops answering (not again until it has answered). */
    public void whenLost(Consumer<String> action) {
        whenLost.add(action);
    }

    @Override
    public String unavailable() {
        String known = unavailable;
        long age = System.nanoTime() - knownAt;
        if (age >= (known == null ? recheckUpNanos : recheckDownNanos) && checking.compareAndSet(false, true)) {
            try {
                checks.execute(this::checkNow);
            } catch (RejectedExecutionException stopping) {
                checking.set(false);
            }
        }
        return known;
    }

    private void checkNow() {
        try {
            String now = check();
            if (now == null) {
                answers();
            } else {
                lost(now);
            }
        } finally {
            checking.set(false);
        }
    }

    @Override
    public void lost(LedgerUnavailableException e) {
        lost(e.getMessage());
    }

    /** The short check: a connection, valid within 2 seconds. Null when the database answers. */
    private String check() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(VALID_SECONDS) ? null
                    : "the ledger database " + name + " cannot be reached: no answer within " + VALID_SECONDS + " s";
        } catch (SQLException | RuntimeException e) {
            LedgerUnavailableException lost = ConnectionLoss.of(name, e);
            return lost != null ? lost.getMessage() : "the ledger database " + name + " cannot be reached: " + e.getMessage();
        }
    }

    private synchronized void lost(String why) {
        knownAt = System.nanoTime();
        if (unavailable != null) {
            unavailable = why;
            return;
        }
        unavailable = why;
        LOG.warn("{}. No file is taken and no batch starts until it answers; the files in hand stay in their drop", why);
        whenLost.forEach(action -> action.accept(why));
    }

    private synchronized void answers() {
        knownAt = System.nanoTime();
        if (unavailable != null) {
            unavailable = null;
            LOG.info("The ledger database {} answers again: files are taken again", name);
        }
    }
}
