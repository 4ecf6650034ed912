package org.senderroute.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.senderroute.domain.FileClaims;
import org.senderroute.domain.LedgerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims of instances sharing a drop, in the ledger's PostgreSQL database. A claim is a session-level advisory
 * lock ({@code pg_try_advisory_lock}) held by a connection of its own for as long as the file is processed: when the
 * instance dies, PostgreSQL ends its session and releases the lock as soon as the connection is gone (at once for a
 * killed process, within 25 s for a host gone without closing its connections: see {@link InstanceLiveness#KEEPALIVE}),
 * and the file is free for the next poll of another instance. The lock's 64-bit number comes from the file key (the first 8 bytes of
 * its SHA-256); two keys sharing a number only make one of the files wait for the other's claim to end.
 * <p>
 * A row of {@code file_claim} (file key, instance, claimed at) tells which instance holds or last held a file's
 * claim; it is written when the claim is taken and removed when it is released (a dead instance's row stays until the
 * next claim of that file replaces it). The row is for people: the lock alone decides.
 */
public final class PostgresFileClaims implements FileClaims {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresFileClaims.class);

    private final DataSource dataSource;
    private final String instance;
    private final Clock clock;
    private final String upsert;
    private final String database;

    public PostgresFileClaims(DataSource dataSource, String instance, Clock clock) {
        this(dataSource, "PostgreSQL", instance, clock);
    }

    /** @param database what messages call the database (its URL without a password) */
    public PostgresFileClaims(DataSource dataSource, String database, String instance, Clock clock) {
        this.dataSource = dataSource;
        this.database = database;
        this.instance = instance;
        this.clock = clock;
        this.upsert = SqlDialect.POSTGRESQL.upsert("file_claim",
                List.of("file_key VARCHAR", "instance VARCHAR", "claimed_at TIMESTAMP"), List.of("file_key"));
    }

    @Override
    public Optional<Claim> tryClaim(String fileKey) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (Statement keepalive = c.createStatement()) {
                // a host gone without a word is noticed by PostgreSQL within 25 s: its claims are then free
                keepalive.execute(InstanceLiveness.KEEPALIVE);
            }
            long lock = lockOf(fileKey);
            boolean taken;
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                s.setLong(1, lock);
                try (ResultSet rs = s.executeQuery()) {
                    taken = rs.next() && rs.getBoolean(1);
                }
            }
            if (!taken) {
                c.close();
                return Optional.empty();
            }
            try (PreparedStatement s = c.prepareStatement(upsert)) {
                s.setString(1, fileKey);
                s.setString(2, instance);
                s.setTimestamp(3, Timestamp.from(clock.instant()));
                s.executeUpdate();
            }
            return Optional.of(new Held(c, fileKey));
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                release(c);
            }
            LedgerUnavailableException lost = ConnectionLoss.of(database, e);
            if (lost != null) {
                throw lost;
            }
            throw new LedgerException("the claim of " + fileKey + " cannot be taken: " + e.getMessage(), e);
        }
    }

    /** The advisory lock's number for a file key. */
    static long lockOf(String fileKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("file:" + fileKey)
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unlocks everything the connection holds (it holds one claim only) and gives it back. */
    private static void release(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            if (ConnectionLoss.of("", e) != null || closed(c)) {
                // the session is gone, and its locks with it
                LOG.debug("a file claim's session has ended ({})", e.getMessage());
            } else {
                LOG.warn("a file claim's lock could not be released ({}); its connection is closed", e.getMessage());
            }
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // closed below in any case
            }
        } finally {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a file claim's connection: {}", e.toString());
            }
        }
    }

    /** Whether the pool has closed the connection already (broken when the database went away). */
    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private final class Held implements Claim {
        private final Connection connection;
        private final String fileKey;
        private boolean closed;

        Held(Connection connection, String fileKey) {
            this.connection = connection;
            this.fileKey = fileKey;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (PreparedStatement s = connection.prepareStatement(
                    "DELETE FROM file_claim WHERE file_key = ? AND instance = ?")) {
                s.setString(1, fileKey);
                s.setString(2, instance);
                s.executeUpdate();
            } catch (SQLException e) {
                LOG.debug("removing the claim row of {}: {}", fileKey, e.toString());
            } finally {
                release(connection);
            }
        }

        @Override
        public String toString() {
            return "claim of " + fileKey + " by " + instance;
        }
    }
}
