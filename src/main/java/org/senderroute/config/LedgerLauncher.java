package org.senderroute.config;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.intake.LocalFaultException;
import org.senderroute.intake.LongSlots;
import org.senderroute.ledger.FileLedger;
import org.senderroute.ledger.JdbcFileLedger;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.JournalFileLedger;
import org.senderroute.ledger.JournalSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerException;
import org.senderroute.ledger.LedgerJournal;
import org.senderroute.ledger.SenderLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the ledger of {@code sender.ledger.store} at start-up, and closes it when Camel stops (after the routes):
 * the journal file of {@code sender.ledger.journal} (default), or the database of {@code sender.ledger.url}
 * ({@code jdbc}).
 */
final class LedgerLauncher extends ServiceSupport {

    /** The ledger database's connections: bound here unless the operator bound a DataSource of that name. */
    public static final String DATA_SOURCE_BEAN = "ledgerDataSource";

    private static final Logger LOG = LoggerFactory.getLogger(LedgerLauncher.class);

    /** The two ledgers of one store. */
    record Ledgers(SenderLedger senders, FileLedger files) {
    }

    private final Runnable close;

    private LedgerLauncher(Runnable close) {
        this.close = close;
    }

    static Ledgers start(CamelContext context, Settings settings) throws Exception {
        String store = settings.get("sender.ledger.store", "journal").trim().toLowerCase(Locale.ROOT);
        return switch (store) {
            case "journal" -> journal(context, settings);
            case "jdbc" -> database(context, settings);
            default -> throw new IllegalArgumentException("sender.ledger.store must be journal or jdbc, not " + store);
        };
    }

    private static Ledgers journal(CamelContext context, Settings settings) throws Exception {
        String where = settings.get("sender.ledger.journal", "./data/ledger/ledger.journal").trim();
        boolean temporary = "temporary".equals(where);
        LedgerJournal journal;
        try {
            journal = temporary ? LedgerJournal.temporary()
                    : LedgerJournal.open(Path.of(where), settings.flag("sender.ledger.fsync", true));
        } catch (IOException | LedgerException e) {
            throw new IllegalArgumentException("the ledger journal " + where + " (sender.ledger.journal) cannot be opened: "
                    + e, e);
        }
        Path scratch;
        if (temporary) {
            scratch = java.nio.file.Files.createTempDirectory("sender-ledger-");
            scratch.toFile().deleteOnExit();
        } else {
            scratch = journal.file().toAbsolutePath().getParent();
            LongSlots.removeLeftovers(scratch);
        }
        JournalSenderLedger senders = null;
        JournalFileLedger files = new JournalFileLedger(journal);
        try {
            // the index beside the journal takes disk space: a full disk says so here
            senders = new JournalSenderLedger(journal, scratch);
            journal.replay(senders, files);
        } catch (IOException | RuntimeException e) {
            if (senders != null) {
                senders.close();
            } else {
                journal.close();
            }
            throw new IllegalArgumentException("the ledger journal " + where + " (sender.ledger.journal) cannot be read: "
                    + (e instanceof LedgerException ? e.getMessage() : e.toString()), e);
        }
        if (!temporary && journal.isNew()) {
            EarlierOutputs.warnBesideNewJournal(journal.file(), List.of(settings.get("sender.output.success", ""),
                    settings.get("sender.output.failure", "")));
        }
        context.addService(new LedgerLauncher(senders::close), true, true);
        LOG.info("Ledger: journal {}", temporary ? "in a temporary file (deleted at stop)" : journal.file());
        return new Ledgers(senders, files);
    }

    private static Ledgers database(CamelContext context, Settings settings) throws Exception {
        String url = settings.get("sender.ledger.url", "jdbc:h2:file:./data/ledger/ledger;WRITE_DELAY=0");
        String name = SenderRouteConfiguration.withoutQuery(url);
        Registry registry = context.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType(DATA_SOURCE_BEAN, DataSource.class);
        if (dataSource == null) {
            dataSource = pool(url, settings.get("sender.ledger.username", "sa"), settings.get("sender.ledger.password", ""),
                    settings.integer("sender.http.max-concurrent-calls", 4, 1, 64) + 2);
            // closed by the registry when Camel stops, after the ledger (a service) has written what it holds
            registry.bind(DATA_SOURCE_BEAN, DataSource.class, dataSource, null, "close");
        } else {
            name = DATA_SOURCE_BEAN + " (" + dataSource.getClass().getSimpleName() + ")";
        }
        LedgerDatabase db = new LedgerDatabase(dataSource, name);
        try {
            db.createSchema();
        } catch (SQLException | RuntimeException e) {
            throw new IllegalArgumentException("the ledger database " + name + " (sender.ledger.url) cannot be opened: "
                    + sqlMessage(e), e);
        }
        JdbcSenderLedger senders = new JdbcSenderLedger(db, settings.integer("sender.ledger.flush-every", 5000, 1, 1_000_000));
        context.addService(new LedgerLauncher(senders::flush), true, true);
        LOG.info("Ledger: database {}", name);
        return new Ledgers(senders, new JdbcFileLedger(db));
    }

    /**
     * A pool of connections to the database of {@code sender.ledger.url}, opened on first use. Hikari logs its
     * settings at DEBUG only, the password masked (also in a URL).
     */
    private static HikariDataSource pool(String url, String username, String password, int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("sender-ledger");
        pool.setJdbcUrl(url);
        pool.setUsername(username);
        pool.setPassword(password);
        pool.setAutoCommit(false);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(0);
        return pool;
    }

    /** The database's own words, rather than those of the pool around them. */
    private static String sqlMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException) {
                return cause.getMessage();
            }
        }
        return e.getMessage();
    }

    @Override
    protected void doStop() {
        close.run();
    }
}
