package org.senderroute.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The files the module has taken, by name and SHA-256 of their content: a file dropped again unchanged is recognised
 * and not processed a second time; a file taken but not finished (a crash, a stop) keeps the names of its outputs,
 * so that processing it again replaces them instead of adding a second set.
 */
public final class FileLedger {

    /** What the ledger says about a file being taken. */
    public record Visit(String sha256, String outputStem, boolean alreadyDone, Instant doneAt, String summary) {
    }

    private final LedgerDatabase db;

    public FileLedger(LedgerDatabase db) {
        this.db = db;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Records that the file is taken (or finds it was taken before) and returns the output names to use. */
    public Visit begin(String fileName, String sha256, String proposedStem) {
        return db.inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT state, output_stem, finished_at, summary FROM file_ledger WHERE file_name = ? AND sha256 = ?")) {
                p.setString(1, fileName);
                p.setString(2, sha256);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        boolean done = "DONE".equals(rs.getString(1));
                        Timestamp finished = rs.getTimestamp(3);
                        return new Visit(sha256, rs.getString(2), done, finished == null ? null : finished.toInstant(),
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
            return new Visit(sha256, proposedStem, false, null, null);
        });
    }

    /** Every output of the file was delivered. */
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
