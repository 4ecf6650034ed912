package org.senderroute.route;

import java.util.Map;

import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.testsupport.EmbeddedPostgresServer;

/** Every promise of {@link LocalFaultsTest} with the senders in a real PostgreSQL 14, a database of its own per test. */
class PostgresLocalFaultsTest extends JdbcLocalFaultsTest {

    private EmbeddedPostgresServer.Database database;

    @Override
    protected Map<String, String> store() {
        return PostgresLedgerTest.postgres(database(), "5000");
    }

    @Override
    protected Map<String, LedgerEntry> ledger() {
        return new JdbcSenderLedger(new LedgerDatabase(database().dataSource(), "the test's PostgreSQL database"), 1)
                .all(sandbox.settings().sid());
    }

    private EmbeddedPostgresServer.Database database() {
        if (database == null) {
            database = EmbeddedPostgresServer.newDatabase();
        }
        return database;
    }
}
