package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's database, reached with plain JDBC: the embedded H2 file database by default (created on first start,
 * nothing to install), or any JDBC database named by {@code sender.ledger.url} (PostgreSQL for several instances).
 * Creates or migrates its own schema, and lends a few open connections to the ledger's users.
 */
public final class LedgerDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerDatabase.class);
    private static final int SCHEMA_VERSION = 1;

    private final String url;
    private final String user;
    private final String password;
    private final BlockingQueue<Connection> idle;

    public LedgerDatabase(String url, String user, String password, int connections) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.idle = new ArrayBlockingQueue<>(connections);
    }

    public void start() throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL)");
            int version = 0;
            try (var rs = s.executeQuery("SELECT MAX(version) FROM ledger_schema")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("the ledger at " + url + " has schema version " + version
                        + ", newer than this module knows (" + SCHEMA_VERSION + ")");
            }
            if (version < 1) {
                s.execute("CREATE TABLE IF NOT EXISTS sender_ledger ("
                        + "account VARCHAR(64) NOT NULL, sender VARCHAR(64) NOT NULL, iso_code VARCHAR(8) NOT NULL, "
                        + "state VARCHAR(10) NOT NULL, kaleyra_id VARCHAR(64), reason VARCHAR(1000), "
                        + "source_file VARCHAR(500), updated_at TIMESTAMP NOT NULL, "
                        + "PRIMARY KEY (account, sender, iso_code))");
                s.execute("CREATE TABLE IF NOT EXISTS file_ledger ("
                        + "file_name VARCHAR(500) NOT NULL, sha256 VARCHAR(64) NOT NULL, state VARCHAR(10) NOT NULL, "
                        + "output_stem VARCHAR(600) NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, "
                        + "summary VARCHAR(2000), PRIMARY KEY (file_name, sha256))");
                s.execute("INSERT INTO ledger_schema (version) VALUES (" + SCHEMA_VERSION + ")");
                LOG.info("Ledger schema version {} created at {}", SCHEMA_VERSION, url);
            }
        }
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection(url, user == null ? "" : user, password == null ? "" : password);
    }

    /** A connection from the idle ones, or a new one; give it back with {@link #release(Connection)}. */
    Connection borrow() throws SQLException {
        Connection c = idle.poll();
        if (c != null && !c.isClosed()) {
            return c;
        }
        Connection fresh = open();
        fresh.setAutoCommit(false);
        return fresh;
    }

    void release(Connection c) {
        try {
            if (c.isClosed()) {
                return;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            if (!idle.offer(c)) {
                c.close();
            }
        } catch (SQLException e) {
            LOG.debug("ledger connection dropped: {}", e.toString());
        }
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a ledger connection: {}", e.toString());
            }
        }
    }

    /** Work done in one transaction on a borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    <T> T inTransaction(Work<T> work) {
        Connection c = null;
        try {
            c = borrow();
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            throw new LedgerException("ledger " + url + ": " + e.getMessage(), e);
        } finally {
            if (c != null) {
                release(c);
            }
        }
    }
}
