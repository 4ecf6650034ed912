package org.senderroute.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Keeps names made from an input's name within what a file system allows (255 bytes): a name too long keeps its
 * start, cut at a character boundary, followed by {@code ~} and 8 hexadecimal digits of the SHA-256 of the whole
 * name, so two long names that start alike still give two names, and the same name always gives the same one.
 */
public final class NameLength {

    /** The longest file name most file systems accept, in bytes. */
    public static final int MAX_BYTES = 255;

    private static final int DIGEST_CHARS = 8;

    private NameLength() {
    }

    /** {@code name} itself when its UTF-8 form has at most {@code maxBytes} bytes, otherwise its shortened form. */
    public static String fit(String name, int maxBytes) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return name;
        }
        String tail = "~" + digest(name);
        int budget = maxBytes - tail.length();
        StringBuilder start = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length();) {
            int codePoint = name.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            start.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return start + tail;
    }

    private static String digest(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, DIGEST_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
