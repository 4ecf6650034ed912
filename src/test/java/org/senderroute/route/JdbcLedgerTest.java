package org.senderroute.route;

import java.nio.file.Path;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.SenderLedger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every promise of {@link LedgerTest}, with the senders in the ledger database ({@code sender.ledger.store=jdbc}). */
class JdbcLedgerTest extends LedgerTest {

    @Override
    protected Map<String, String> store() {
        return Map.of("sender.ledger.store", "jdbc", "sender.ledger.flush-every", "3");
    }

    @Override
    protected SenderLedger reopen() {
        return new JdbcSenderLedger(database(dir), 1);
    }

    @Override
    protected void assertLedgerStore() {
        assertThat(dir.resolve("ledger/ledger.mv.db")).isNotEmptyFile();
        assertThat(dir.resolve("ledger/ledger.journal")).doesNotExist();
    }

    /** The ledger database the stopped application left in this folder, without a pool. */
    static LedgerDatabase database(Path dir) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("ledger/ledger").toAbsolutePath());
        h2.setUser("sa");
        return new LedgerDatabase(h2, "the test's ledger database");
    }
}
