package org.senderroute.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Copies a request's body to a file, a buffer at a time, never more than a maximum number of bytes, and gives the
 * SHA-256 of what it copied. A body over the maximum leaves no file behind.
 */
final class BoundedCopy {

    /** The body is larger than allowed: nothing of it is kept. */
    static final class TooLargeException extends IOException {
        TooLargeException(long max) {
            super("the body is larger than " + max + " bytes");
        }
    }

    private BoundedCopy() {
    }

    /** @return the SHA-256 of the body, in hex */
    static String copy(InputStream in, Path target, long maxBytes) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.createDirectories(target.getParent());
        boolean complete = false;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while (in != null && (n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new TooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            complete = true;
        } finally {
            if (!complete) {
                Files.deleteIfExists(target);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
