package org.senderroute.ledger;

import java.nio.file.Path;
import java.util.function.LongPredicate;

import org.senderroute.support.LongSlots;
import org.senderroute.support.SenderFingerprint;

/**
 * Where in the journal the latest outcome of each sender is: a sender's 64-bit fingerprint mapped to the offset of
 * its line, in an open-addressing table of longs (16 bytes a slot, at most 2 slots a sender: about 32 MB for a
 * million senders, none of their strings) kept in a scratch file mapped into memory, not on the Java heap. Two senders may share a fingerprint; the caller tells which line is
 * whose by reading it ({@code isTheSender}), so a shared fingerprint costs a read, never a wrong answer.
 * Not thread-safe: the journal guards it.
 */
final class JournalIndex implements AutoCloseable {

    private static final long EMPTY = 0;

    private final Path scratchDir;
    /** Pairs: fingerprint, offset + 1 (0 = an empty slot). */
    private LongSlots slots;
    private int size;

    JournalIndex(Path scratchDir) {
        this.scratchDir = scratchDir;
        this.slots = LongSlots.create(scratchDir, "ledger-index", 2 * 1024);
    }

    /** The offset of the line of the sender, or -1; {@code isTheSender} is asked about each line of that fingerprint. */
    long find(long fingerprint, LongPredicate isTheSender) {
        int mask = slots.length() / 2 - 1;
        long at;
        for (int i = first(fingerprint, mask); (at = slots.get(2 * i + 1)) != EMPTY; i = (i + 1) & mask) {
            if (slots.get(2 * i) == fingerprint && isTheSender.test(at - 1)) {
                return at - 1;
            }
        }
        return -1;
    }

    /** Whether a line may be the sender's (false: certainly not; checked without reading anything). */
    boolean mayHave(long fingerprint) {
        int mask = slots.length() / 2 - 1;
        for (int i = first(fingerprint, mask); slots.get(2 * i + 1) != EMPTY; i = (i + 1) & mask) {
            if (slots.get(2 * i) == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** The sender's latest line is now at this offset (replacing the one {@code isTheSender} recognises, if any). */
    void put(long fingerprint, long offset, LongPredicate isTheSender) {
        int mask = slots.length() / 2 - 1;
        int i = first(fingerprint, mask);
        long at;
        for (; (at = slots.get(2 * i + 1)) != EMPTY; i = (i + 1) & mask) {
            if (slots.get(2 * i) == fingerprint && isTheSender.test(at - 1)) {
                slots.set(2 * i + 1, offset + 1);
                return;
            }
        }
        slots.set(2 * i, fingerprint);
        slots.set(2 * i + 1, offset + 1);
        if (++size * 10L >= (slots.length() / 2) * 7L) {
            grow();
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        LongSlots old = slots;
        if (old.length() * 2L > LongSlots.MAX_LENGTH) {
            throw new LedgerException("the ledger's index is full (" + size + " senders)", null);
        }
        LongSlots bigger = LongSlots.create(scratchDir, "ledger-index", old.length() * 2);
        int mask = bigger.length() / 2 - 1;
        for (int j = 0; j < old.length(); j += 2) {
            long at = old.get(j + 1);
            if (at != EMPTY) {
                int i = first(old.get(j), mask);
                while (bigger.get(2 * i + 1) != EMPTY) {
                    i = (i + 1) & mask;
                }
                bigger.set(2 * i, old.get(j));
                bigger.set(2 * i + 1, at);
            }
        }
        slots = bigger;
        old.close();
    }

    @Override
    public void close() {
        slots.close();
    }

    private static int first(long fingerprint, int mask) {
        return (int) (SenderFingerprint.spread(fingerprint) & mask);
    }
}
