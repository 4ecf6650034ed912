package org.senderroute.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;

import org.senderroute.domain.FileVisit;

/** The file ledger in the ledger database ({@code sender.ledger.store=jdbc}): table {@code file_ledger}. */
public final class JdbcFileLedger implements FileLedger {

    private final LedgerDatabase db;

    public JdbcFileLedger(LedgerDatabase db) {
        this.db = db;
    }

    @Override
    public FileVisit begin(String fileName, String sha256, String proposedStem) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT state, output_stem, finished_at, summary FROM file_ledger WHERE file_name = ? AND sha256 = ?")) {
                p.setString(1, fileName);
                p.setString(2, sha256);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        boolean done = "DONE".equals(rs.getString(1));
                        Timestamp finished = rs.getTimestamp(3);
                        return new FileVisit(sha256, rs.getString(2), done, finished == null ? null : finished.toInstant(),
                                rs.getString(4));
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO file_ledger (file_name, sha256, state, output_stem, "
                    + "started_at) VALUES (?, ?, 'STARTED', ?, ?)")) {
                p.setString(1, fileName);
                p.setString(2, sha256);
                p.setString(3, proposedStem);
                p.setTimestamp(4, Timestamp.from(Instant.now()));
                p.executeUpdate();
            }
            return new FileVisit(sha256, proposedStem, false, null, null);
        });
    }

    @Override
    public void done(String fileName, String sha256, String summary) {
        db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE file_ledger SET state = 'DONE', finished_at = ?, summary = ? WHERE file_name = ? AND sha256 = ?")) {
                p.setTimestamp(1, Timestamp.from(Instant.now()));
                p.setString(2, summary.length() > 2000 ? summary.substring(0, 2000) : summary);
                p.setString(3, fileName);
                p.setString(4, sha256);
                p.executeUpdate();
            }
            return null;
        });
    }
}
