package org.senderroute.route;

import java.util.Map;

import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.testsupport.EmbeddedPostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every promise of {@link LedgerTest}, with the senders in a real PostgreSQL 14 ({@code sender.ledger.store=jdbc},
 * {@code sender.ledger.url=jdbc:postgresql:...}): a database of its own per test.
 */
class PostgresLedgerTest extends JdbcLedgerTest {

    private EmbeddedPostgresServer.Database database;

    @Override
    protected Map<String, String> store() {
        return postgres(database(), "3");
    }

    @Override
    protected SenderLedger reopen() {
        return new JdbcSenderLedger(new LedgerDatabase(database().dataSource(), "the test's PostgreSQL database"), 1);
    }

    @Override
    protected void assertLedgerStore() {
        assertThat(dir.resolve("ledger/ledger.mv.db")).doesNotExist();
        assertThat(dir.resolve("ledger/ledger.journal")).doesNotExist();
        assertThat(reopen().all(sandbox.settings().sid())).isNotEmpty();
    }

    private EmbeddedPostgresServer.Database database() {
        if (database == null) {
            database = EmbeddedPostgresServer.newDatabase();
        }
        return database;
    }

    /** The settings of a ledger in this PostgreSQL database. */
    static Map<String, String> postgres(EmbeddedPostgresServer.Database database, String flushEvery) {
        return Map.of("sender.ledger.store", "jdbc", "sender.ledger.url", database.url(),
                "sender.ledger.username", database.username(), "sender.ledger.password", database.password(),
                "sender.ledger.flush-every", flushEvery);
    }
}
