package org.senderroute.ledger;

import java.util.function.LongPredicate;

import org.senderroute.intake.SenderFingerprint;

/**
 * Where in the journal the latest outcome of each sender is: a sender's 64-bit fingerprint mapped to the offset of
 * its line, in an open-addressing table of primitive longs (16 bytes a slot, at most 2 slots a sender: about 32 MB
 * for a million senders, none of their strings). Two senders may share a fingerprint; the caller tells which line is
 * whose by reading it ({@code isTheSender}), so a shared fingerprint costs a read, never a wrong answer.
 * Not thread-safe: the journal guards it.
 */
final class JournalIndex {

    private static final long EMPTY = 0;

    /** Pairs: fingerprint, offset + 1 (0 = an empty slot). */
    private long[] slots = new long[2 * 1024];
    private int size;

    /** The offset of the line of the sender, or -1; {@code isTheSender} is asked about each line of that fingerprint. */
    long find(long fingerprint, LongPredicate isTheSender) {
        int mask = slots.length / 2 - 1;
        for (int i = first(fingerprint, mask); slots[2 * i + 1] != EMPTY; i = (i + 1) & mask) {
            if (slots[2 * i] == fingerprint && isTheSender.test(slots[2 * i + 1] - 1)) {
                return slots[2 * i + 1] - 1;
            }
        }
        return -1;
    }

    /** The sender's latest line is now at this offset (replacing the one {@code isTheSender} recognises, if any). */
    void put(long fingerprint, long offset, LongPredicate isTheSender) {
        int mask = slots.length / 2 - 1;
        int i = first(fingerprint, mask);
        for (; slots[2 * i + 1] != EMPTY; i = (i + 1) & mask) {
            if (slots[2 * i] == fingerprint && isTheSender.test(slots[2 * i + 1] - 1)) {
                slots[2 * i + 1] = offset + 1;
                return;
            }
        }
        slots[2 * i] = fingerprint;
        slots[2 * i + 1] = offset + 1;
        if (++size * 10 >= (slots.length / 2) * 7) {
            grow();
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length / 2 - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j + 1] != EMPTY) {
                int i = first(old[j], mask);
                while (slots[2 * i + 1] != EMPTY) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = old[j];
                slots[2 * i + 1] = old[j + 1];
            }
        }
    }

    private static int first(long fingerprint, int mask) {
        return (int) (SenderFingerprint.spread(fingerprint) & mask);
    }
}
