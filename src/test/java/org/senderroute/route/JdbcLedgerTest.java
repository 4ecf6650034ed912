package org.senderroute.route;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.SenderLedger;

import static org.assertj.core.api.Assertions.assertThat;

/** Every promise of {@link LedgerTest}, with the senders in the ledger database ({@code sender.ledger.store=jdbc}). */
class JdbcLedgerTest extends LedgerTest {

    private LedgerDatabase db;

    @Override
    protected Map<String, String> store() {
        return Map.of("sender.ledger.store", "jdbc", "sender.ledger.flush-every", "3");
    }

    @Override
    protected SenderLedger reopen() {
        db = new LedgerDatabase("jdbc:h2:file:" + dir.resolve("ledger/ledger").toAbsolutePath(), "sa", "", 1);
        return new JdbcSenderLedger(db, 1);
    }

    @Override
    protected void assertLedgerStore() {
        assertThat(dir.resolve("ledger/ledger.mv.db")).isNotEmptyFile();
        assertThat(dir.resolve("ledger/ledger.journal")).doesNotExist();
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) {
            db.close();
        }
    }
}
