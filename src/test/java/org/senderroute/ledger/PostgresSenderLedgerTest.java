package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Every promise of {@link JdbcSenderLedgerTest} on a real PostgreSQL 14, a database of its own per test; and
 * instances starting together on one database. */
class PostgresSenderLedgerTest extends JdbcSenderLedgerTest {

    private DataSource database;

    @Override
    protected DataSource dataSource() {
        if (database == null) {
            database = EmbeddedPostgresServer.newDatabase().dataSource();
        }
        return database;
    }

    @Test
    void instancesStartingTogetherCreateTheSchemaOnce() throws Exception {
        DataSource ds = dataSource();
        ExecutorService starts = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                started.add(starts.submit(() -> new LedgerDatabase(ds, "instance").createSchema()));
            }
            for (Future<?> f : started) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            starts.shutdownNow();
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version) FROM ledger_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).as("each version recorded once").isEqualTo(rs.getInt(2));
        }
    }
}
