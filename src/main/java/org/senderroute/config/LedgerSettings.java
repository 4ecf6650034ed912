package org.senderroute.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.senderroute.domain.FileClaims;
import org.senderroute.domain.LedgerAvailability;
import org.senderroute.kaleyra.KaleyraAccount;
import org.senderroute.ledger.CallRate;
import org.senderroute.ledger.DatabaseAvailability;
import org.senderroute.ledger.FileLedger;
import org.senderroute.ledger.JdbcFileLedger;
import org.senderroute.ledger.JdbcSenderLedger;
import org.senderroute.ledger.JournalFileLedger;
import org.senderroute.ledger.JournalInUseException;
import org.senderroute.ledger.JournalSenderLedger;
import org.senderroute.ledger.LedgerDatabase;
import org.senderroute.ledger.LedgerException;
import org.senderroute.ledger.LedgerJournal;
import org.senderroute.ledger.PostgresCallRate;
import org.senderroute.ledger.PostgresFileClaims;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.SenderInstance;
import org.senderroute.support.LongSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger of {@code sender.ledger.store}: the journal file of {@code sender.ledger.journal} (default), or the
 * database of {@code sender.ledger.url} ({@code jdbc}: the embedded H2 file, or a PostgreSQL 14 or later for a
 * {@code jdbc:postgresql:} URL, its driver in the jar). The sender ledger is added to Camel as a service: it reads
 * its journal or creates its schema when Camel starts, before the routes, and is closed or flushed when Camel stops,
 * after them.
 */
final class LedgerSettings {

    /** The ledger database's connections: bound here unless the operator bound a DataSource of that name. */
    public static final String DATA_SOURCE_BEAN = "ledgerDataSource";

    private static final Logger LOG = LoggerFactory.getLogger(LedgerSettings.class);

    /**
     * The two ledgers of one store, the claims of the files of the drops and the calls per second of each account: in
     * a PostgreSQL ledger, where several instances may share a drop and an account, shared through the database; of
     * this instance alone otherwise (a journal or an H2 file serves one instance).
     */
    record Ledgers(SenderLedger senders, FileLedger files, FileClaims claims, CallRate rate,
            LedgerAvailability availability) {

        Ledgers(SenderLedger senders, FileLedger files) {
            this(senders, files, FileClaims.none(), CallRate.perInstance(), LedgerAvailability.always());
        }
    }

    /** While the database answers, it is checked again at most this often (by readiness, and before taking a file). */
    private static final Duration RECHECK_UP = Duration.ofSeconds(10);
    /** While it does not, it is checked again at most this often. */
    private static final Duration RECHECK_DOWN = Duration.ofSeconds(2);

    private LedgerSettings() {
    }

    /** The ledgers of {@code sender.ledger.store}; a journal is held by this instance (named so) until it stops. */
    static Ledgers configure(CamelContext context, Settings settings, String instance) throws Exception {
        String store = settings.required("sender.ledger.store").toLowerCase(Locale.ROOT);
        Ledgers ledgers = switch (store) {
            case "journal" -> journal(settings, instance);
            case "jdbc" -> database(context, settings, instance);
            case "postgresql" -> {
                requirePostgresql(context, settings);
                yield database(context, settings, instance);
            }
            default -> throw new IllegalArgumentException("sender.ledger.store must be journal, jdbc or postgresql, not "
                    + store);
        };
        context.addService(ledgers.senders(), true, true);
        return ledgers;
    }

    private static Ledgers journal(Settings settings, String instance) throws Exception {
        String where = settings.required("sender.ledger.journal");
        boolean temporary = "temporary".equals(where);
        LedgerJournal journal;
        try {
            journal = temporary ? LedgerJournal.temporary()
                    : LedgerJournal.open(Path.of(where), settings.flag("sender.ledger.fsync"), "instance " + instance
                            + ", process " + ProcessHandle.current().pid() + " on " + SenderInstance.hostName());
        } catch (JournalInUseException e) {
            throw new IllegalArgumentException("the ledger journal " + Path.of(where).toAbsolutePath().normalize()
                    + " (sender.ledger.journal) is in use by another running instance (" + e.holder() + "); one journal"
                    + " serves one instance: for several instances use sender.ledger.store=jdbc", e);
        } catch (IOException | LedgerException e) {
            throw new IllegalArgumentException("the ledger journal " + where + " (sender.ledger.journal) cannot be opened: "
                    + e, e);
        }
        Path scratch;
        if (temporary) {
            scratch = Files.createTempDirectory("sender-ledger-");
            scratch.toFile().deleteOnExit();
        } else {
            scratch = journal.file().toAbsolutePath().getParent();
            LongSlots.removeLeftovers(scratch);
        }
        JournalFileLedger files = new JournalFileLedger(journal);
        JournalSenderLedger senders;
        try {
            // the index beside the journal takes disk space: a full disk says so here
            senders = temporary ? new JournalSenderLedger(journal, scratch, files)
                    : new JournalSenderLedger(journal, scratch, files, new EarlierOutputs(journal,
                            List.of(settings.get("sender.output.success", ""), settings.get("sender.output.failure", ""))));
        } catch (RuntimeException e) {
            journal.close();
            throw new IllegalArgumentException("the ledger journal " + where + " (sender.ledger.journal) cannot be read: "
                    + (e instanceof LedgerException ? e.getMessage() : e.toString()), e);
        }
        LOG.info("Ledger: journal {}", temporary ? "in a temporary file (deleted at stop)" : journal.file());
        return new Ledgers(senders, files);
    }

    /** {@code postgresql}: the database store, on PostgreSQL (a data source of one's own may be anything). */
    private static void requirePostgresql(CamelContext context, Settings settings) {
        String url = settings.required("sender.ledger.url");
        if (!url.startsWith("jdbc:postgresql:")
                && context.getRegistry().lookupByNameAndType(DATA_SOURCE_BEAN, DataSource.class) == null) {
            throw new IllegalArgumentException("sender.ledger.store=postgresql needs a jdbc:postgresql://HOST:PORT/DB URL"
                    + " in sender.ledger.url (SENDER_LEDGER_URL), not " + withoutSecrets(url));
        }
    }

    private static Ledgers database(CamelContext context, Settings settings, String instance) {
        String url = settings.required("sender.ledger.url");
        String name = withoutSecrets(url);
        Registry registry = context.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType(DATA_SOURCE_BEAN, DataSource.class);
        if (dataSource == null) {
            // besides the calls' work: the ledger's own, a connection for the claim of each drop's file in hand, and
            // the one holding the lock that says this instance is alive
            dataSource = pool(url, settings.required("sender.ledger.username"), password(settings),
                    settings.integer("sender.http.max-concurrent-calls", 1, 64) + 5,
                    settings.integer("sender.ledger.connection-timeout", 250, Integer.MAX_VALUE));
            // closed by the registry when Camel stops, after the ledger (a service) has written what it holds
            registry.bind(DATA_SOURCE_BEAN, DataSource.class, dataSource, null, "close");
        } else {
            name = DATA_SOURCE_BEAN + " (" + dataSource.getClass().getSimpleName() + ")";
        }
        LedgerDatabase db = new LedgerDatabase(dataSource, name);
        LOG.info("Ledger: database {}", name);
        boolean postgres = url.regionMatches(true, 0, "jdbc:postgresql:", 0, "jdbc:postgresql:".length());
        FileClaims claims = postgres ? new PostgresFileClaims(dataSource, name, instance, Clock.systemUTC())
                : FileClaims.none();
        CallRate rate = CallRate.perInstance();
        if (postgres) {
            int perSecond = settings.integer("sender.http.max-requests-per-second", 1, 100_000);
            rate = new PostgresCallRate(db, perSecond);
            LOG.info("Calls per second: {} per account, for all the instances of the database together", perSecond);
        }
        return new Ledgers(new JdbcSenderLedger(db, settings.integer("sender.ledger.flush-every", 1, 1_000_000)),
                new JdbcFileLedger(db), claims, rate, new DatabaseAvailability(dataSource, name, RECHECK_UP,
                        RECHECK_DOWN, context.getExecutorServiceManager().newSingleThreadExecutor(db,
                                "LedgerAvailability")));
    }

    /**
     * The password of {@code sender.ledger.password}, or the content of the file {@code sender.ledger.password-file}
     * names (without the line break at its end), e.g. a mounted secret. Messages never hold the password.
     */
    static String password(Settings settings) {
        String property = "sender.ledger.password";
        String fileProperty = property + "-file";
        String password = settings.get(property);
        String file = settings.get(fileProperty);
        if (file == null) {
            return password == null ? "" : password;
        }
        if (password != null) {
            throw new IllegalArgumentException(property + " and " + fileProperty + " are both set (environment variables "
                    + KaleyraAccount.variableOf(property) + ", " + KaleyraAccount.variableOf(fileProperty)
                    + "): set only one of them, the password itself or the file that holds it");
        }
        Path path = Path.of(file);
        String content = SecretFile.read(fileProperty, path, text -> text.replaceFirst("(\\r?\\n)+\\z", ""));
        if (content.indexOf('\n') >= 0 || content.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(fileProperty + ": the file " + path + " must hold the password alone, on "
                    + "one line");
        }
        return content;
    }

    /**
     * What log lines and messages call the database of a URL: without its query ({@code ?user=...&password=...} in a
     * PostgreSQL URL) nor an H2 {@code ;PASSWORD=} setting.
     */
    static String withoutSecrets(String url) {
        return SenderRouteConfiguration.withoutQuery(url).replaceAll("(?i);\\s*PASSWORD\\s*=[^;]*", ";PASSWORD=***");
    }

    /**
     * A pool of connections to the database of {@code sender.ledger.url}, opened on first use. Hikari logs its
     * settings at DEBUG only, the password masked (also in a URL). A connection not had within
     * {@code sender.ledger.connection-timeout} milliseconds means the database cannot be reached.
     */
    private static HikariDataSource pool(String url, String username, String password, int size, int timeoutMillis) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("sender-ledger");
        pool.setJdbcUrl(url);
        pool.setUsername(username);
        pool.setPassword(password);
        pool.setAutoCommit(false);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(0);
        pool.setConnectionTimeout(timeoutMillis);
        return pool;
    }
}
