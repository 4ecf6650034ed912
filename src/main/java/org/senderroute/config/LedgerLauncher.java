package org.senderroute.config;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.ledger.LedgerDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the ledger database (creating its schema) at start-up and closes it with the Camel context. */
final class LedgerLauncher extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerLauncher.class);

    private final LedgerDatabase db;

    private LedgerLauncher(LedgerDatabase db) {
        this.db = db;
    }

    static LedgerDatabase start(CamelContext context, Settings settings) throws Exception {
        String url = settings.get("sender.ledger.url", "jdbc:h2:file:./data/ledger/ledger;WRITE_DELAY=0");
        LedgerDatabase db = new LedgerDatabase(url, settings.get("sender.ledger.username", "sa"),
                settings.get("sender.ledger.password", ""), settings.integer("sender.http.max-concurrent-calls", 4, 1, 64) + 2);
        try {
            db.start();
        } catch (java.sql.SQLException e) {
            throw new IllegalArgumentException("the ledger database " + SenderRouteConfiguration.withoutQuery(url)
                    + " (sender.ledger.url) cannot be opened: " + e.getMessage(), e);
        }
        context.addService(new LedgerLauncher(db), true, true);
        LOG.info("Ledger: {}", SenderRouteConfiguration.withoutQuery(url));
        return db;
    }

    /** The sender ledger on this database; what it holds in memory is written when the application stops. */
    static org.senderroute.ledger.SenderLedger senderLedger(CamelContext context, LedgerDatabase db, int flushEvery)
            throws Exception {
        org.senderroute.ledger.SenderLedger ledger = new org.senderroute.ledger.SenderLedger(db, flushEvery);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                ledger.flush();
            }
        }, true, true);
        return ledger;
    }

    @Override
    protected void doStop() {
        db.close();
    }
}
