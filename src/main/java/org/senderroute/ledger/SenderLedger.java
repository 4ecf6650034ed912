package org.senderroute.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.senderroute.intake.SenderRequest;

/**
 * The persistent record of every sender submitted, per account: written before a call (PENDING) and after its reply
 * (CREATED, REJECTED, or removed when the reply proves nothing was created), so that a retry, a crash or a file
 * dropped again never turns a sender created by this module into a failure, nor sends a created one again.
 * Each method is one transaction, with JDBC batches (one round trip per call of up to 5000 senders).
 */
public final class SenderLedger {

    private static final int LOOKUP_CHUNK = 500;
    private static final String UPSERT = "MERGE INTO sender_ledger t USING (VALUES (CAST(? AS VARCHAR(64)), "
            + "CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(8)))) AS k (account, sender, iso_code) "
            + "ON t.account = k.account AND t.sender = k.sender AND t.iso_code = k.iso_code "
            + "WHEN MATCHED THEN UPDATE SET state = ?, kaleyra_id = ?, reason = ?, source_file = ?, updated_at = ? "
            + "WHEN NOT MATCHED THEN INSERT (account, sender, iso_code, state, kaleyra_id, reason, source_file, updated_at) "
            + "VALUES (k.account, k.sender, k.iso_code, ?, ?, ?, ?, ?)";

    private final LedgerDatabase db;

    public SenderLedger(LedgerDatabase db) {
        this.db = db;
    }

    /** The key the ledger uses for a sender: upper-case sender, lower-case ISO code. */
    public static String key(SenderRequest r) {
        return r.sender().toUpperCase(Locale.ROOT) + "|" + r.isoCode().toLowerCase(Locale.ROOT);
    }

    /** What the ledger holds for these senders, by {@link #key(SenderRequest)}; absent ones are not in the map. */
    public Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders) {
        return db.inTransaction(c -> {
            Map<String, LedgerEntry> found = new HashMap<>();
            for (int from = 0; from < senders.size(); from += LOOKUP_CHUNK) {
                List<SenderRequest> chunk = senders.subList(from, Math.min(senders.size(), from + LOOKUP_CHUNK));
                StringBuilder sql = new StringBuilder("SELECT sender, iso_code, state, kaleyra_id, reason, source_file, "
                        + "updated_at FROM sender_ledger WHERE account = ? AND sender IN (");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.append(i == 0 ? "?" : ",?");
                }
                sql.append(')');
                try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                    p.setString(1, account);
                    for (int i = 0; i < chunk.size(); i++) {
                        p.setString(i + 2, chunk.get(i).sender().toUpperCase(Locale.ROOT));
                    }
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            Timestamp at = rs.getTimestamp(7);
                            found.put(rs.getString(1) + "|" + rs.getString(2), new LedgerEntry(rs.getString(3),
                                    nullToEmpty(rs.getString(4)), nullToEmpty(rs.getString(5)), nullToEmpty(rs.getString(6)),
                                    at == null ? null : at.toInstant()));
                        }
                    }
                }
            }
            return found;
        });
    }

    /** Recorded before the call that sends them: from now on their outcome is unknown until a reply says. */
    public void pending(String account, String file, Collection<SenderRequest> senders) {
        write(account, file, senders, r -> new String[] {LedgerEntry.PENDING, null, null});
    }

    public void created(String account, String file, Map<SenderRequest, String> idBySender, String how) {
        write(account, file, idBySender.keySet(), r -> new String[] {LedgerEntry.CREATED, idBySender.get(r), how});
    }

    public void rejected(String account, String file, Map<SenderRequest, String> reasonBySender) {
        write(account, file, reasonBySender.keySet(), r -> new String[] {LedgerEntry.REJECTED, null, reasonBySender.get(r)});
    }

    /** The reply proved these were not created (a refusal of the whole call): they are no longer pending. */
    public void notCreated(String account, Collection<SenderRequest> senders) {
        if (senders.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "DELETE FROM sender_ledger WHERE account = ? AND sender = ? AND iso_code = ? AND state = 'PENDING'")) {
                for (SenderRequest r : senders) {
                    p.setString(1, account);
                    p.setString(2, r.sender().toUpperCase(Locale.ROOT));
                    p.setString(3, r.isoCode().toLowerCase(Locale.ROOT));
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    private interface Values {
        String[] of(SenderRequest r);
    }

    private void write(String account, String file, Collection<SenderRequest> senders, Values values) {
        if (senders.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        String source = file == null ? null : file.length() > 500 ? file.substring(0, 500) : file;
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(UPSERT)) {
                for (SenderRequest r : senders) {
                    String[] v = values.of(r);
                    String reason = v[2] == null ? null : v[2].length() > 1000 ? v[2].substring(0, 1000) : v[2];
                    p.setString(1, account);
                    p.setString(2, r.sender().toUpperCase(Locale.ROOT));
                    p.setString(3, r.isoCode().toLowerCase(Locale.ROOT));
                    for (int offset : new int[] {4, 9}) {
                        p.setString(offset, v[0]);
                        p.setString(offset + 1, v[1]);
                        p.setString(offset + 2, reason);
                        p.setString(offset + 3, source);
                        p.setTimestamp(offset + 4, now);
                    }
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    /** Everything recorded for an account (for tests and operators; not for large ledgers). */
    public Map<String, LedgerEntry> all(String account) {
        return db.inTransaction(c -> {
            Map<String, LedgerEntry> all = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT sender, iso_code, state, kaleyra_id, reason, source_file, updated_at FROM sender_ledger WHERE account = ?")) {
                p.setString(1, account);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        all.put(rs.getString(1) + "|" + rs.getString(2), new LedgerEntry(rs.getString(3),
                                nullToEmpty(rs.getString(4)), nullToEmpty(rs.getString(5)), nullToEmpty(rs.getString(6)),
                                rs.getTimestamp(7).toInstant()));
                    }
                }
            }
            return all;
        });
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}
