package org.senderroute.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.domain.LedgerUnavailableException;
import org.senderroute.domain.SenderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender ledger in a JDBC database ({@code sender.ledger.store=jdbc}: the database of {@code sender.ledger.url},
 * e.g. a PostgreSQL shared by several instances):
 * <ul>
 * <li>before a call, one row in {@code pending_call} lists its senders (committed before the request leaves): until
 * the call is settled, their outcome is unknown;</li>
 * <li>after the reply, each sender Kaleyra created or rejected gets its row in {@code sender_ledger}, and the call's
 * pending row goes;</li>
 * <li>the pending rows left by a crash, or by a call whose outcome stayed unknown after every retry, make their
 * senders "pending": an "Already exist" for them later means this module created them;</li>
 * <li>{@link #own} records which instance sends each sender of a call, in {@code sender_owner}, until the call is
 * settled: of several instances sharing the database, one only gets each sender.</li>
 * </ul>
 * One transaction and one JDBC batch per call, whatever its size. Its length is the SQL of each step of the
 * {@link SenderLedger} contract, one idea, and stays in one class.
 * <p>
 * A Camel service: started, it creates the schema when it is missing; stopped, after the routes, it writes the
 * settled senders it still holds.
 */
public final class JdbcSenderLedger extends ServiceSupport implements SenderLedger {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSenderLedger.class);
    private static final int LOOKUP_CHUNK = 500;
    /** The columns of {@code sender_ledger} written per sender, in the order of the parameters. */
    private static final List<String> COLUMNS = List.of("account VARCHAR(64)", "sender VARCHAR(64)",
            "iso_code VARCHAR(8)", "state VARCHAR(10)", "kaleyra_id VARCHAR(64)", "reason VARCHAR(1000)",
            "source_file VARCHAR(500)", "updated_at TIMESTAMP");

    /** A created or rejected sender waiting in memory for the next flush. */
    private record Settled(String account, SenderRequest request, LedgerEntry entry) {
    }

    private static final String INSERT = "INSERT INTO sender_ledger (account, sender, iso_code, state, kaleyra_id, reason, "
            + "source_file, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    /** The columns of {@code sender_owner}, in the order of the parameters. */
    private static final List<String> OWNER_COLUMNS = List.of("account VARCHAR(64)", "sender VARCHAR(64)",
            "iso_code VARCHAR(8)", "instance VARCHAR(200)", "call_id BIGINT", "owned_at TIMESTAMP", "instance_no BIGINT");

    private final LedgerDatabase db;
    private final String instance;
    private final int flushEvery;
    private final Map<String, Settled> settled = new LinkedHashMap<>();
    private final List<Long> settledCalls = new ArrayList<>();
    private final ReentrantLock flushing = new ReentrantLock();
    /** account|SENDER|iso of every sender whose call's outcome is still unknown (loaded at start, then kept up). */
    private final UnresolvedSenders unresolved = new UnresolvedSenders();
    private volatile boolean unresolvedLoaded;
    /** The ownerships of batches over, whose rows go (settled) or lose their instance (outcome unknown) at the next flush. */
    private final List<Long> releasedOwnerships = new ArrayList<>();
    private final List<Long> unknownOwnerships = new ArrayList<>();
    private final AtomicInteger ownerships = new AtomicInteger();
    private volatile InstanceLiveness liveness;

    /**
     * @param flushEvery how many settled senders are kept in memory at most before they are written in one
     *                   transaction (a call's pending row is removed in the same transaction, so a crash before it
     *                   loses nothing: those senders are still pending at the next start)
     */
    public JdbcSenderLedger(LedgerDatabase db, int flushEvery) {
        this(db, flushEvery, ProcessHandle.current().pid() + "@" + hostName());
    }

    /** @param instance what {@code sender_owner} calls this instance (one name per process sharing the database) */
    public JdbcSenderLedger(LedgerDatabase db, int flushEvery, String instance) {
        this.db = db;
        this.flushEvery = flushEvery;
        this.instance = truncate(instance, 200);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    protected void doStart() {
        db.createSchema();
    }

    /**
     * Writes what it holds. Without its database, what Kaleyra said of the calls not yet written is lost, not their
     * senders: their calls' pending rows stay, so an "Already exist" for them later is a success.
     */
    @Override
    protected void doStop() {
        try {
            flush();
        } catch (LedgerUnavailableException e) {
            int unwritten;
            synchronized (settled) {
                unwritten = settled.size();
            }
            LOG.warn("{}: the outcomes of {} senders are not written; their calls stay pending", e.getMessage(),
                    unwritten);
        } finally {
            InstanceLiveness known = liveness;
            if (known != null) {
                known.close();
            }
        }
    }

    /**
     * What the ledger holds for these senders, by {@link #key(SenderRequest)}: CREATED or REJECTED from
     * {@code sender_ledger}, or PENDING when a call that sent them has no known outcome. Absent ones are not in the map.
     */
    @Override
    public Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders) {
        loadUnresolved();
        Map<String, LedgerEntry> found = db.inTransaction(c -> {
            Map<String, LedgerEntry> rows = new HashMap<>();
            for (int from = 0; from < senders.size(); from += LOOKUP_CHUNK) {
                List<SenderRequest> chunk = senders.subList(from, Math.min(senders.size(), from + LOOKUP_CHUNK));
                String sql = "SELECT sender, iso_code, state, kaleyra_id, reason, source_file, updated_at FROM "
                        + "sender_ledger WHERE sender IN (" + parameters(chunk.size()) + ") AND account = ?";
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        p.setString(i + 1, chunk.get(i).sender().toUpperCase(Locale.ROOT));
                    }
                    p.setString(chunk.size() + 1, account);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            rows.put(rs.getString(1) + "|" + rs.getString(2), entry(rs));
                        }
                    }
                }
            }
            return rows;
        });
        synchronized (settled) {
            if (!settled.isEmpty()) {
                for (SenderRequest r : senders) {
                    Settled waiting = settled.get(account + "|" + SenderLedger.key(r));
                    if (waiting != null) {
                        found.put(SenderLedger.key(r), waiting.entry());
                    }
                }
            }
        }
        for (SenderRequest r : senders) {
            LedgerEntry pending = unresolved.get(account, SenderLedger.key(r));
            if (pending != null) {
                found.putIfAbsent(SenderLedger.key(r), pending);
            }
        }
        return found;
    }

    /** Recorded, and committed, before the call that sends these senders: returns the call's id. */
    @Override
    public long callStarted(String account, String file, Collection<SenderRequest> senders) {
        StringBuilder keys = new StringBuilder(senders.size() * 12);
        for (SenderRequest r : senders) {
            keys.append(SenderLedger.key(r)).append('\n');
        }
        String text = keys.toString();
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO pending_call (account, source_file, senders, sent_at) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, account);
                p.setString(2, truncate(file, 500));
                p.setString(3, text);
                p.setTimestamp(4, Timestamp.from(Instant.now()));
                p.executeUpdate();
                try (ResultSet keysBack = p.getGeneratedKeys()) {
                    keysBack.next();
                    return keysBack.getLong(1);
                }
            }
        });
    }

    /**
     * Makes this instance's batch the owner of these senders, in one transaction committed before any of them is sent:
     * a row of {@code sender_owner} per sender, inserted unless one is there ({@code INSERT ... ON CONFLICT DO
     * NOTHING} on PostgreSQL: of two instances owning the same sender at the same moment, the second waits for the
     * first to commit and is then refused it). A row held by a batch of a live instance makes the sender busy; a row
     * whose instance is gone, or whose batch ended with its outcome unknown, is taken over: a call of that batch may
     * have created the sender.
     */
    @Override
    public SenderOwnership own(String account, Collection<SenderRequest> senders) {
        if (senders.isEmpty()) {
            return SenderOwnership.all();
        }
        InstanceLiveness me = liveness();
        long id = (me.number() << 32) | (ownerships.incrementAndGet() & 0xFFFFFFFFL);
        String sql = db.dialect().insertIfAbsent("sender_owner", OWNER_COLUMNS, List.of("sender", "account", "iso_code"));
        // every instance takes the rows in the order of the key: two batches never wait for each other in a circle
        List<SenderRequest> inKeyOrder = senders.stream().sorted(Comparator.comparing((SenderRequest r) -> r.sender()
                .toUpperCase(Locale.ROOT)).thenComparing(r -> r.isoCode().toLowerCase(Locale.ROOT))).toList();
        if (db.dialect() != SqlDialect.POSTGRESQL) {
            // one process opens an H2 file: its batches take turns here (its MERGE does not wait, it fails on the key)
            synchronized (this) {
                return owning(account, inKeyOrder, sql, id, me);
            }
        }
        return owning(account, inKeyOrder, sql, id, me);
    }

    private SenderOwnership owning(String account, List<SenderRequest> inKeyOrder, String sql, long id,
            InstanceLiveness me) {
        return db.inTransaction(c -> {
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (SenderRequest r : inKeyOrder) {
                    p.setString(1, account);
                    p.setString(2, r.sender().toUpperCase(Locale.ROOT));
                    p.setString(3, r.isoCode().toLowerCase(Locale.ROOT));
                    p.setString(4, instance);
                    p.setLong(5, id);
                    p.setTimestamp(6, now);
                    p.setLong(7, me.number());
                    p.addBatch();
                }
                p.executeBatch();
            }
            // the rows of these senders that another batch holds
            Map<String, Owner> others = new HashMap<>();
            for (int from = 0; from < inKeyOrder.size(); from += LOOKUP_CHUNK) {
                List<SenderRequest> chunk = inKeyOrder.subList(from, Math.min(inKeyOrder.size(), from + LOOKUP_CHUNK));
                String select = "SELECT sender, iso_code, instance, call_id, instance_no FROM sender_owner WHERE "
                        + "call_id <> ? AND account = ? AND sender IN (" + parameters(chunk.size()) + ")";
                try (PreparedStatement p = c.prepareStatement(select)) {
                    p.setLong(1, id);
                    p.setString(2, account);
                    for (int i = 0; i < chunk.size(); i++) {
                        p.setString(i + 3, chunk.get(i).sender().toUpperCase(Locale.ROOT));
                    }
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            long number = rs.getLong(5);
                            others.put(rs.getString(1) + "|" + rs.getString(2), new Owner(rs.getString(3),
                                    rs.getLong(4), rs.wasNull() ? null : number));
                        }
                    }
                }
            }
            if (others.isEmpty()) {
                return new SenderOwnership(id, Map.of(), Map.of());
            }
            Set<Long> alive = me.alive();
            Map<String, String> busy = new HashMap<>();
            Map<String, String> takenOver = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("UPDATE sender_owner SET instance = ?, call_id = ?, "
                    + "owned_at = ?, instance_no = ? WHERE account = ? AND sender = ? AND iso_code = ? AND call_id = ?")) {
                for (SenderRequest r : inKeyOrder) {
                    String key = SenderLedger.key(r);
                    Owner other = others.get(key);
                    if (other == null) {
                        continue;
                    }
                    if (other.number() != null && alive.contains(other.number())) {
                        busy.put(key, other.instance());
                        continue;
                    }
                    p.setString(1, instance);
                    p.setLong(2, id);
                    p.setTimestamp(3, now);
                    p.setLong(4, me.number());
                    p.setString(5, account);
                    p.setString(6, r.sender().toUpperCase(Locale.ROOT));
                    p.setString(7, r.isoCode().toLowerCase(Locale.ROOT));
                    p.setLong(8, other.call());
                    if (p.executeUpdate() == 1) {
                        takenOver.put(key, other.instance());
                    } else {
                        // another instance took it over in the meantime
                        busy.put(key, other.instance());
                    }
                }
            }
            return new SenderOwnership(id, busy, takenOver);
        });
    }

    /** The row another batch holds for a sender: its instance's name, its batch, its instance's number (or null). */
    private record Owner(String instance, long call, Long number) {
    }

    /** This instance's number and the lock that says it is alive (registered at the first ownership). */
    private InstanceLiveness liveness() {
        InstanceLiveness known = liveness;
        if (known == null) {
            synchronized (this) {
                if (liveness == null) {
                    liveness = InstanceLiveness.register(db, db.dataSource(), instance);
                }
                known = liveness;
            }
        }
        return known;
    }

    /**
     * The batch that took this ownership is over: its rows of {@code sender_owner} go (settled) or are marked as
     * no batch's (an outcome stayed unknown) at once, in the same transaction as the outcomes not yet written: another
     * instance waiting for one of its senders then finds the outcome in {@code sender_ledger}.
     */
    @Override
    public void disown(long ownership, boolean settledAll) {
        if (ownership == 0) {
            return;
        }
        synchronized (settled) {
            (settledAll ? releasedOwnerships : unknownOwnerships).add(ownership);
        }
        flush();
    }

    /**
     * The calls' outcomes are all known now (every sender of them created, rejected, or proven not created): their
     * pending rows go with the next flush, in the same transaction as the outcomes.
     */
    @Override
    public void callsSettled(Collection<Long> calls) {
        if (calls.isEmpty()) {
            return;
        }
        synchronized (settled) {
            settledCalls.addAll(calls);
        }
    }

    /** These senders' calls ended with no known outcome: they stay pending (their call rows are kept). */
    @Override
    public void leftUnresolved(String account, String file, Collection<SenderRequest> senders) {
        LedgerEntry pending = new LedgerEntry(LedgerEntry.PENDING, "", "sent, outcome unknown", file == null ? "" : file,
                Instant.now());
        for (SenderRequest r : senders) {
            unresolved.add(account, SenderLedger.key(r), pending);
        }
    }

    @Override
    public void created(String account, String file, Map<SenderRequest, String> idBySender, String how) {
        Instant now = Instant.now();
        settle(account, idBySender.keySet(), r -> new LedgerEntry(LedgerEntry.CREATED, nullToEmpty(idBySender.get(r)),
                nullToEmpty(how), nullToEmpty(file), now));
    }

    @Override
    public void rejected(String account, String file, Map<SenderRequest, String> reasonBySender) {
        Instant now = Instant.now();
        settle(account, reasonBySender.keySet(), r -> new LedgerEntry(LedgerEntry.REJECTED, "",
                nullToEmpty(reasonBySender.get(r)), nullToEmpty(file), now));
    }

    private void settle(String account, Collection<SenderRequest> senders, Function<SenderRequest, LedgerEntry> entry) {
        if (senders.isEmpty()) {
            return;
        }
        int waiting;
        synchronized (settled) {
            for (SenderRequest r : senders) {
                settled.put(account + "|" + SenderLedger.key(r), new Settled(account, r, entry.apply(r)));
            }
            waiting = settled.size();
        }
        forget(account, senders);
        if (waiting >= 4 * flushEvery) {
            // the ledger falls behind: wait for it (memory stays bounded, calls slow down to its pace)
            flush();
        } else if (waiting >= flushEvery && flushing.tryLock()) {
            try {
                write();
            } finally {
                flushing.unlock();
            }
        }
    }

    /** Writes the settled senders and removes the settled calls' pending rows, in one transaction. */
    @Override
    public void flush() {
        flushing.lock();
        try {
            write();
        } finally {
            flushing.unlock();
        }
    }

    private void write() {
        List<Settled> rows;
        Released released;
        synchronized (settled) {
            if (settled.isEmpty() && settledCalls.isEmpty() && releasedOwnerships.isEmpty()
                    && unknownOwnerships.isEmpty()) {
                return;
            }
            rows = new ArrayList<>(settled.values());
            released = new Released(new ArrayList<>(settledCalls), new ArrayList<>(releasedOwnerships),
                    new ArrayList<>(unknownOwnerships));
        }
        try {
            writeRows(rows, released, INSERT);
        } catch (LedgerException someExisted) {
            writeRows(rows, released, db.dialect().upsert("sender_ledger", COLUMNS, List.of("sender", "account",
                    "iso_code")));
        }
        synchronized (settled) {
            rows.forEach(row -> settled.remove(row.account() + "|" + SenderLedger.key(row.request()), row));
            settledCalls.removeAll(released.calls());
            releasedOwnerships.removeAll(released.owned());
            unknownOwnerships.removeAll(released.unknown());
        }
    }

    /** What a flush ends besides writing outcomes: settled calls, ownerships of batches over (settled or not). */
    private record Released(List<Long> calls, List<Long> owned, List<Long> unknown) {
    }

    /** Most senders are new to the ledger: a plain insert first, an upsert only when some were there already. */
    private void writeRows(List<Settled> rows, Released released, String sql) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (Settled row : rows) {
                    LedgerEntry e = row.entry();
                    p.setString(1, row.account());
                    p.setString(2, row.request().sender().toUpperCase(Locale.ROOT));
                    p.setString(3, row.request().isoCode().toLowerCase(Locale.ROOT));
                    p.setString(4, e.state());
                    p.setString(5, e.kaleyraId().isEmpty() ? null : e.kaleyraId());
                    p.setString(6, e.reason().isEmpty() ? null : truncate(e.reason(), 1000));
                    p.setString(7, truncate(e.sourceFile(), 500));
                    p.setTimestamp(8, Timestamp.from(e.updatedAt()));
                    p.addBatch();
                }
                p.executeBatch();
            }
            batch(c, "DELETE FROM pending_call WHERE id = ?", released.calls());
            batch(c, "DELETE FROM sender_owner WHERE call_id = ?", released.owned());
            batch(c, "UPDATE sender_owner SET instance_no = NULL WHERE call_id = ?", released.unknown());
            return null;
        });
    }

    /** n parameters, for an IN list. */
    private static String parameters(int n) {
        return "?" + ",?".repeat(n - 1);
    }

    private static void batch(Connection c, String sql, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (long id : ids) {
                p.setLong(1, id);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private void forget(String account, Collection<SenderRequest> senders) {
        unresolved.forget(account, senders.stream().map(SenderLedger::key).toList());
    }

    /** The senders of calls left pending by an earlier run (a crash, or an outcome that stayed unknown). */
    private void loadUnresolved() {
        if (unresolvedLoaded) {
            return;
        }
        synchronized (this) {
            if (unresolvedLoaded) {
                return;
            }
            db.inTransaction(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT account, source_file, senders, sent_at FROM pending_call")) {
                    while (rs.next()) {
                        LedgerEntry pending = new LedgerEntry(LedgerEntry.PENDING, "", "sent, outcome unknown",
                                rs.getString(2) == null ? "" : rs.getString(2), rs.getTimestamp(4).toInstant());
                        String account = rs.getString(1);
                        for (String key : rs.getString(3).split("\n")) {
                            if (!key.isEmpty()) {
                                unresolved.add(account, key, pending);
                            }
                        }
                    }
                }
                return null;
            });
            unresolvedLoaded = true;
        }
    }

    /** Everything recorded for an account, pending senders included (for tests and operators; not for large ledgers). */
    @Override
    public Map<String, LedgerEntry> all(String account) {
        loadUnresolved();
        flush();
        Map<String, LedgerEntry> all = db.inTransaction(c -> {
            Map<String, LedgerEntry> rows = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT sender, iso_code, state, kaleyra_id, reason, source_file, updated_at FROM sender_ledger WHERE account = ?")) {
                p.setString(1, account);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1) + "|" + rs.getString(2), entry(rs));
                    }
                }
            }
            return rows;
        });
        unresolved.addTo(all, account);
        return all;
    }

    /** How many calls are recorded as pending now (a settled run leaves none). */
    @Override
    public int pendingCalls() {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pending_call")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static LedgerEntry entry(ResultSet rs) throws SQLException {
        Timestamp at = rs.getTimestamp(7);
        return new LedgerEntry(rs.getString(3), nullToEmpty(rs.getString(4)), nullToEmpty(rs.getString(5)),
                nullToEmpty(rs.getString(6)), at == null ? null : at.toInstant());
    }

    private static String truncate(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}
