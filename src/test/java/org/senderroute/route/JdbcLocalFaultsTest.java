package org.senderroute.route;

import java.util.Map;

import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.LedgerEntry;

/**
 * Every promise of {@link LocalFaultsTest} with the senders in the ledger database, whose settled senders are written
 * in batches: what Kaleyra said is in the database all the same when a local fault fails the file.
 */
class JdbcLocalFaultsTest extends LocalFaultsTest {

    @Override
    protected Map<String, String> store() {
        return Map.of("sender.ledger.store", "jdbc", "sender.ledger.flush-every", "5000");
    }

    @Override
    protected Map<String, LedgerEntry> ledger() {
        return new JdbcSenderLedger(JdbcLedgerTest.database(dir), 1).all(sandbox.settings().sid());
    }
}
