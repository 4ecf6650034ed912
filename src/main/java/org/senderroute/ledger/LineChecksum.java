package org.senderroute.ledger;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The checksum that ends every journal line since version 2 of the journal: a tab and the CRC32C of the line's bytes
 * before that tab, as 8 lower-case hex digits. A line whose bytes changed on the disk (a character flipped, bytes
 * inserted or cut) no longer matches it, so it is told as damaged instead of being taken at its word.
 */
final class LineChecksum {

    /** The bytes it adds to a line: a tab and 8 hex digits. */
    static final int LENGTH = 9;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final CRC32C crc = new CRC32C();

    /** Writes the tab and the checksum of {@code bytes[from, to)} at {@code bytes[to, to + LENGTH)}. */
    void write(byte[] bytes, int from, int to) {
        crc.reset();
        crc.update(bytes, from, to - from);
        long value = crc.getValue();
        bytes[to] = '\t';
        for (int i = 8; i >= 1; i--) {
            bytes[to + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /**
     * The length of the line's content when the line ({@code bytes[from, from + length)}, without its newline) ends
     * with the checksum of that content; -1 when it does not.
     */
    static int verifiedContent(byte[] bytes, int from, int length) {
        int content = length - LENGTH;
        if (content < 0 || bytes[from + content] != '\t') {
            return -1;
        }
        long expected = 0;
        for (int i = 1; i < LENGTH; i++) {
            int digit = hexDigit(bytes[from + content + i]);
            if (digit < 0) {
                return -1;
            }
            expected = expected << 4 | digit;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, content);
        return crc.getValue() == expected ? content : -1;
    }

    private static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }
}
