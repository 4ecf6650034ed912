package org.senderroute.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.slf4j.Logger;

/**
 * One reading through of the journal at start-up: checks each line, hands the sound ones to the readers, and keeps
 * the numbers of the damaged ones for one warning.
 * <p>
 * A line is damaged when its checksum does not match its bytes, or when it does not read as a journal line (an unknown
 * kind, fields missing, a number that is none). Version 2 of the journal puts a checksum on every line; a journal begun
 * at version 1 keeps its lines without one and gets checksummed lines appended, so there a line without a checksum is
 * read as before up to the first line with one, and is damaged after it.
 */
final class JournalReplay implements LedgerJournal.LineVisitor {

    static final String HEADER_START = "# kaleyra-sender-route ledger journal, version ";
    static final int VERSION = 2;
    static final String HEADER = HEADER_START + VERSION
            + " (each line ends with a tab and the CRC32C of the bytes before it, in hex)\n";
    /** How many damaged lines the warning names by number. */
    private static final int NAMED = 10;

    private final Path file;
    private final LedgerJournal.Reader[] readers;
    private long number;
    private boolean header;
    private long lines;
    private long checkedFrom = Long.MAX_VALUE;
    private long damaged;
    private final StringBuilder damagedNumbers = new StringBuilder();

    JournalReplay(Path file, LedgerJournal.Reader[] readers) {
        this.file = file;
        this.readers = readers;
    }

    @Override
    public void line(long offset, byte[] bytes, int from, int length) {
        number++;
        if (offset == 0 && startsWith(bytes, from, length, HEADER_START)) {
            header(new String(bytes, from + HEADER_START.length(), length - HEADER_START.length(), StandardCharsets.UTF_8));
            return;
        }
        int content = LineChecksum.verifiedContent(bytes, from, length);
        if (content >= 0) {
            checkedFrom = Math.min(checkedFrom, offset);
        } else if (offset >= checkedFrom) {
            damaged();
            return;
        } else {
            content = length;
        }
        JournalLine line = JournalLine.parse(new String(bytes, from, content, StandardCharsets.UTF_8));
        if (line == null) {
            damaged();
            return;
        }
        lines++;
        try {
            for (LedgerJournal.Reader reader : readers) {
                reader.line(offset, line);
            }
        } catch (LedgerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LedgerException("ledger journal " + file + ", line " + number + ": " + e, e);
        }
    }

    /** The header names the journal's version: from 2 on, every line has a checksum. */
    private void header(String rest) {
        int digits = 0;
        while (digits < rest.length() && digits < 9 && Character.isDigit(rest.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            damaged();
            return;
        }
        int version = Integer.parseInt(rest.substring(0, digits));
        if (version > VERSION) {
            throw new LedgerException("ledger journal " + file + " is of version " + version
                    + ", written by a newer release of this module (this one reads versions 1 to " + VERSION
                    + "); it is left as it is", null);
        }
        header = true;
        if (version >= 2) {
            checkedFrom = 0;
        }
    }

    private void damaged() {
        damaged++;
        if (damaged <= NAMED) {
            damagedNumbers.append(damaged == 1 ? "" : ", ").append(number);
        } else if (damaged == NAMED + 1) {
            damagedNumbers.append(", ...");
        }
    }

    /** Whether the file is a journal at all: it begins with the header, or holds at least one journal line. */
    boolean isJournal() {
        return header || lines > 0;
    }

    /** Where lines must have their checksum from, once the journal was read through up to {@code end}. */
    long checkedFrom(long end) {
        return Math.min(checkedFrom, end);
    }

    /** One WARN naming the damaged lines, if any. */
    void warnAboutDamage(Logger log) {
        if (damaged == 0) {
            return;
        }
        String lines = damaged == 1 ? "line" : "lines";
        log.warn("The ledger journal {} has {} damaged {} ({} {}), skipped: the bytes of each differ from what was"
                + " written. What they recorded is unknown now: a sender whose outcome or pending call was on such a"
                + " line comes back as an \"Already exist\" failure if it is sent again, a file taken on one is"
                + " processed again; every other line is read as before", file, damaged, lines, lines, damagedNumbers);
    }

    private static boolean startsWith(byte[] bytes, int from, int length, String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
