package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instances sharing the ledger database are alive. Each instance gets a number at start (a row of
 * {@code sender_instance}) and, on PostgreSQL, holds the advisory lock of that number on a connection of its own for
 * as long as it runs: when the instance dies, PostgreSQL ends its session and the lock goes with it, at once for a
 * killed process, within the TCP keepalive time ({@link #KEEPALIVE}) for a host that vanished. An instance is alive
 * while its lock is held. On another database (H2: one process opens it) the instances alive are those of this
 * process that have not stopped.
 */
final class InstanceLiveness {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLiveness.class);
    /** The first key of the instances' advisory locks ("SRIN" in ASCII); the second is the instance's number. */
    private static final int LOCK_CLASS = 0x5352494E;
    /**
     * Session settings that make PostgreSQL notice a peer gone without a word (a host switched off, a cable cut)
     * within 10 + 3 x 5 = 25 s, instead of the system's default of over two hours.
     */
    static final String KEEPALIVE = "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
            + "SET tcp_keepalives_count = 3";

    /** The instances of this process on a database without advisory locks: database name and number. */
    private static final Set<String> IN_PROCESS = ConcurrentHashMap.newKeySet();

    private final DataSource dataSource;
    private final String database;
    private final boolean postgres;
    private final long number;
    private Connection lockHolder;

    private InstanceLiveness(DataSource dataSource, String database, boolean postgres, long number) {
        this.dataSource = dataSource;
        this.database = database;
        this.postgres = postgres;
        this.number = number;
    }

    /** Registers this instance under a new number and, on PostgreSQL, takes the lock that says it is alive. */
    static InstanceLiveness register(LedgerDatabase db, DataSource dataSource, String name) {
        long number = db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO sender_instance (name, started_at) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, name);
                p.setTimestamp(2, Timestamp.from(Instant.now()));
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        InstanceLiveness liveness = new InstanceLiveness(dataSource, db.name(), db.dialect() == SqlDialect.POSTGRESQL,
                number);
        if (liveness.postgres) {
            liveness.holdLock();
        } else {
            IN_PROCESS.add(db.name() + "#" + number);
        }
        return liveness;
    }

    /** This instance's number. */
    long number() {
        return number;
    }

    /** The numbers of the instances alive now (this one included). */
    synchronized Set<Long> alive() {
        Set<Long> alive = new HashSet<>();
        alive.add(number);
        if (!postgres) {
            String prefix = database + "#";
            IN_PROCESS.stream().filter(k -> k.startsWith(prefix))
                    .forEach(k -> alive.add(Long.parseLong(k.substring(prefix.length()))));
            return alive;
        }
        holdLock();
        try (PreparedStatement p = lockHolder.prepareStatement("SELECT objid::bigint FROM pg_locks WHERE locktype = "
                + "'advisory' AND classid::bigint = ? AND objsubid = 2 AND granted AND database = "
                + "(SELECT oid FROM pg_database WHERE datname = current_database())")) {
            p.setLong(1, LOCK_CLASS);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    alive.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw failure("the ledger cannot tell which instances are alive: ", e);
        }
        return alive;
    }

    /** Takes the lock of this instance's number, again on a new connection when the one holding it was lost. */
    private synchronized void holdLock() {
        if (!postgres) {
            return;
        }
        try {
            if (lockHolder != null && lockHolder.isValid(2)) {
                return;
            }
            if (lockHolder != null) {
                LOG.warn("the connection holding this instance's lock in the ledger database was lost; taking it again");
                close();
            }
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute(KEEPALIVE);
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", " + number + ")")) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        LOG.warn("the lock of this instance's number {} is still held by a session PostgreSQL has not"
                                + " yet seen end", number);
                    }
                }
            }
            lockHolder = c;
        } catch (SQLException e) {
            throw failure("this instance's lock cannot be taken in the ledger database: ", e);
        }
    }

    /** A database that cannot be reached is told apart (the file in hand then waits in its drop for it). */
    private RuntimeException failure(String what, SQLException e) {
        RuntimeException lost = ConnectionLoss.of(database, e);
        return lost != null ? lost : new LedgerException(what + e.getMessage(), e);
    }

    /** Ends this instance's session: the lock goes with it. */
    synchronized void close() {
        IN_PROCESS.remove(database + "#" + number);
        if (lockHolder == null) {
            return;
        }
        try (Statement s = lockHolder.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            LOG.debug("releasing this instance's lock: {}", e.toString());
        }
        try {
            lockHolder.close();
        } catch (SQLException e) {
            LOG.debug("closing this instance's lock connection: {}", e.toString());
        }
        lockHolder = null;
    }
}
