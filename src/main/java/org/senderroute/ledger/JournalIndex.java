package org.senderroute.ledger;

import java.nio.file.Path;
import java.util.function.LongPredicate;

import org.senderroute.support.LongSlots;
import org.senderroute.support.SenderFingerprint;

/**
 * Where in the journal the latest outcome of each sender is: one long a slot in an open-addressing table (at most
 * 10/7 slots a sender: 8 to 16 MB for a million senders, none of their strings) kept in a scratch file mapped into
 * memory, not on the Java heap. A slot packs a 26-bit tag of the sender's 64-bit fingerprint with the offset of its
 * line (below 256 GB); the slot a tag probes first is worked out from the tag alone, so the table grows without
 * reading the journal. Two senders may share a tag; the caller tells which line is whose by reading it
 * ({@code isTheSender}), so a shared tag costs a read, never a wrong answer. At most 2^26 slots: about 47 million
 * senders. Not thread-safe: the journal guards it.
 */
final class JournalIndex implements AutoCloseable {

    private static final long EMPTY = 0;
    private static final int TAG_BITS = 26;
    private static final int OFFSET_BITS = Long.SIZE - TAG_BITS;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    /** The largest journal offset a slot holds (it holds offset + 1, and 0 is an empty slot). */
    static final long MAX_OFFSET = OFFSET_MASK - 1;
    private static final int MAX_SLOTS = 1 << TAG_BITS;
    private static final int FIRST_SLOTS = 2 * 1024;

    private final Path scratchDir;
    private LongSlots slots;
    /** log2 of the table's length. */
    private int bits;
    private int size;

    JournalIndex(Path scratchDir) {
        this.scratchDir = scratchDir;
        this.slots = LongSlots.create(scratchDir, "ledger-index", FIRST_SLOTS);
        this.bits = Integer.numberOfTrailingZeros(FIRST_SLOTS);
    }

    /** The offset of the line of the sender, or -1; {@code isTheSender} is asked about each line of that tag. */
    long find(long fingerprint, LongPredicate isTheSender) {
        int tag = tag(fingerprint);
        int mask = slots.length() - 1;
        long slot;
        for (int i = first(tag, bits); (slot = slots.get(i)) != EMPTY; i = (i + 1) & mask) {
            if (tagOf(slot) == tag && isTheSender.test(offsetOf(slot))) {
                return offsetOf(slot);
            }
        }
        return -1;
    }

    /** Whether a line may be the sender's (false: certainly not; checked without reading anything). */
    boolean mayHave(long fingerprint) {
        int tag = tag(fingerprint);
        int mask = slots.length() - 1;
        long slot;
        for (int i = first(tag, bits); (slot = slots.get(i)) != EMPTY; i = (i + 1) & mask) {
            if (tagOf(slot) == tag) {
                return true;
            }
        }
        return false;
    }

    /** The sender's latest line is now at this offset (replacing the one {@code isTheSender} recognises, if any). */
    void put(long fingerprint, long offset, LongPredicate isTheSender) {
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new LedgerException("the ledger journal is larger than its index can point into (" + MAX_OFFSET
                    + " bytes): start a new journal", null);
        }
        int tag = tag(fingerprint);
        int mask = slots.length() - 1;
        int i = first(tag, bits);
        long slot;
        for (; (slot = slots.get(i)) != EMPTY; i = (i + 1) & mask) {
            if (tagOf(slot) == tag && isTheSender.test(offsetOf(slot))) {
                slots.set(i, pack(tag, offset));
                return;
            }
        }
        slots.set(i, pack(tag, offset));
        if (++size * 10L >= slots.length() * 7L) {
            grow();
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        LongSlots old = slots;
        if (old.length() * 2L > MAX_SLOTS) {
            throw new LedgerException("the ledger's index is full (" + size + " senders)", null);
        }
        LongSlots bigger = LongSlots.create(scratchDir, "ledger-index", old.length() * 2);
        int biggerBits = bits + 1;
        int mask = bigger.length() - 1;
        for (int j = 0; j < old.length(); j++) {
            long slot = old.get(j);
            if (slot != EMPTY) {
                int i = first(tagOf(slot), biggerBits);
                while (bigger.get(i) != EMPTY) {
                    i = (i + 1) & mask;
                }
                bigger.set(i, slot);
            }
        }
        slots = bigger;
        bits = biggerBits;
        old.close();
    }

    @Override
    public void close() {
        slots.close();
    }

    /** The fingerprint's bits mixed, their top 26. */
    private static int tag(long fingerprint) {
        return (int) (SenderFingerprint.spread(fingerprint) >>> OFFSET_BITS);
    }

    /** The first slot a tag probes in a table of 2^bits slots: from the tag alone, so that growing reads no line. */
    private static int first(int tag, int bits) {
        return (int) (SenderFingerprint.spread(tag * 0x9E3779B97F4A7C15L + 1) >>> (Long.SIZE - bits));
    }

    private static long pack(int tag, long offset) {
        return (long) tag << OFFSET_BITS | (offset + 1);
    }

    private static int tagOf(long slot) {
        return (int) (slot >>> OFFSET_BITS);
    }

    private static long offsetOf(long slot) {
        return (slot & OFFSET_MASK) - 1;
    }
}
