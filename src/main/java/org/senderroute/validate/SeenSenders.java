package org.senderroute.validate;

import java.nio.file.Path;
import java.util.Locale;

import org.senderroute.support.LongSlots;
import org.senderroute.support.SenderFingerprint;

/**
 * The sender/iso_code pairs already seen in one file, kept as 64-bit fingerprints in an open-addressing table of at
 * most two slots a pair (16 bytes a record), in a scratch file of {@code sender.work-dir} mapped into memory, never
 * on the Java heap: a file of ten million records costs the heap nothing here. Two different pairs share a
 * fingerprint with a probability of about n²/2^65 (3·10^-8 for a million records).
 */
public final class SeenSenders implements AutoCloseable {

    private static final int FIRST_LENGTH = 1 << 14;

    private final Path scratchDir;
    private LongSlots slots;
    private int size;
    private boolean zeroSeen;
    private boolean closed;

    public SeenSenders(Path scratchDir) {
        this.scratchDir = scratchDir;
    }

    /**
     * @return true when the pair is new, false when it was seen before
     * @throws IllegalStateException once closed (synchronized with {@link #close}: the table is unmapped then)
     */
    public synchronized boolean add(String sender, String iso) {
        if (closed) {
            throw new IllegalStateException("the file's table of senders seen is closed");
        }
        long key = SenderFingerprint.of(sender.toUpperCase(Locale.ROOT), iso.toLowerCase(Locale.ROOT));
        if (key == 0) {
            boolean fresh = !zeroSeen;
            zeroSeen = true;
            return fresh;
        }
        if (slots == null) {
            slots = LongSlots.create(scratchDir, "seen-senders", FIRST_LENGTH);
        }
        if (size * 2 >= slots.length()) {
            grow();
        }
        if (insert(slots, key)) {
            size++;
            return true;
        }
        return false;
    }

    private static boolean insert(LongSlots table, long key) {
        int mask = table.length() - 1;
        int i = (int) (SenderFingerprint.spread(key) & mask);
        long there;
        while ((there = table.get(i)) != 0) {
            if (there == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table.set(i, key);
        return true;
    }

    private void grow() {
        LongSlots old = slots;
        if (old.length() * 2L > LongSlots.MAX_LENGTH) {
            throw new IllegalStateException("more than " + LongSlots.MAX_LENGTH / 2 + " records in one file");
        }
        LongSlots bigger = LongSlots.create(scratchDir, "seen-senders", old.length() * 2);
        for (int i = 0; i < old.length(); i++) {
            long key = old.get(i);
            if (key != 0) {
                insert(bigger, key);
            }
        }
        slots = bigger;
        old.close();
    }

    /** The file is read: its table goes. */
    @Override
    public synchronized void close() {
        closed = true;
        if (slots != null) {
            slots.close();
            slots = null;
            size = 0;
        }
    }
}
