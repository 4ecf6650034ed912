package org.senderroute.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.senderroute.domain.FileVisit;

/**
 * The files the module has taken, by name and SHA-256 of their content: a file dropped again unchanged is recognised
 * and not processed a second time; a file taken but not finished (a crash, a stop) keeps the names of its outputs,
 * so that processing it again replaces them instead of adding a second set. Two stores: {@link JournalFileLedger}
 * (the default) and {@link JdbcFileLedger}.
 */
public interface FileLedger {

    /** Records, durably, that the file is taken (or finds it was taken before) and returns the output names to use. */
    FileVisit begin(String fileName, String sha256, String proposedStem);

    /** Every output of the file was delivered. */
    void done(String fileName, String sha256, String summary);

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        // a link is never followed (the drop refuses links before this; one put in place meanwhile fails here)
        try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
