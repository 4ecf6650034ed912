package org.senderroute.config;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.JournalSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerException;
import org.senderroute.ledger.SenderLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the ledgers (the database of files, creating its schema; the sender ledger) at start-up and closes them with the Camel context. */
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

    /**
     * The sender ledger of {@code sender.ledger.store}: the journal file of {@code sender.ledger.journal} (default), or
     * this database ({@code jdbc}). Whatever it holds in memory is written, and the journal closed, when Camel stops.
     */
    static SenderLedger senderLedger(CamelContext context, LedgerDatabase db, Settings settings) throws Exception {
        String store = settings.get("sender.ledger.store", "journal").trim().toLowerCase(java.util.Locale.ROOT);
        SenderLedger ledger;
        Runnable close;
        switch (store) {
            case "journal" -> {
                String where = settings.get("sender.ledger.journal", "./data/ledger/senders.journal").trim();
                JournalSenderLedger journal;
                try {
                    journal = "temporary".equals(where) ? JournalSenderLedger.temporary()
                            : JournalSenderLedger.open(Path.of(where), settings.flag("sender.ledger.fsync", true));
                } catch (java.io.IOException | LedgerException e) {
                    throw new IllegalArgumentException("the sender journal " + where
                            + " (sender.ledger.journal) cannot be opened: " + e.getMessage(), e);
                }
                LOG.info("Sender ledger: journal {}", "temporary".equals(where) ? "in a temporary file" : journal.file());
                ledger = journal;
                close = journal::close;
            }
            case "jdbc" -> {
                JdbcSenderLedger jdbc = new JdbcSenderLedger(db, settings.integer("sender.ledger.flush-every", 5000, 1, 1_000_000));
                LOG.info("Sender ledger: the ledger database");
                ledger = jdbc;
                close = jdbc::flush;
            }
            default -> throw new IllegalArgumentException("sender.ledger.store must be journal or jdbc, not " + store);
        }
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                close.run();
            }
        }, true, true);
        return ledger;
    }

    @Override
    protected void doStop() {
        db.close();
    }
}
