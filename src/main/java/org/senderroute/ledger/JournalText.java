package org.senderroute.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Journal lines being written: UTF-8 bytes in one growing array, fields escaped as {@link JournalLine} reads them,
 * each line ended by its {@link LineChecksum}. A whole call's lines are built here and written in one go, without a
 * String per line.
 */
final class JournalText {

    private final LineChecksum checksum = new LineChecksum();
    private byte[] bytes;
    private int size;
    private int lineStart;

    JournalText(int expectedBytes) {
        bytes = new byte[Math.max(64, expectedBytes)];
    }

    /** Starts a line of this kind; returns where it starts. */
    int line(char kind) {
        lineStart = size;
        put((byte) kind);
        return lineStart;
    }

    JournalText field(long number) {
        put((byte) '\t');
        String digits = Long.toString(number);
        for (int i = 0; i < digits.length(); i++) {
            put((byte) digits.charAt(i));
        }
        return this;
    }

    JournalText field(String text) {
        put((byte) '\t');
        if (text == null) {
            return this;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // not ASCII: the rest of the field through the JDK's encoder
                StringBuilder rest = new StringBuilder(text.length() - i + 8);
                JournalLine.escape(rest, text.substring(i));
                for (byte b : rest.toString().getBytes(StandardCharsets.UTF_8)) {
                    put(b);
                }
                return this;
            }
            switch (c) {
                case '\\' -> put2('\\', '\\');
                case '\t' -> put2('\\', 't');
                case '\n' -> put2('\\', 'n');
                case '\r' -> put2('\\', 'r');
                default -> put((byte) c);
            }
        }
        return this;
    }

    /** Ends the line with its checksum. */
    void end() {
        ensure(LineChecksum.LENGTH + 1);
        checksum.write(bytes, lineStart, size);
        size += LineChecksum.LENGTH;
        bytes[size++] = '\n';
    }

    int size() {
        return size;
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    private void put2(char a, char b) {
        put((byte) a);
        put((byte) b);
    }

    private void put(byte b) {
        if (size == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[size++] = b;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
