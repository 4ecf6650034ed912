package org.senderroute.validate;

import java.util.Locale;

import org.senderroute.intake.SenderFingerprint;

/**
 * The sender/iso_code pairs already seen in one file, kept as 64-bit fingerprints in an open-addressing table:
 * 16 bytes per record at most, so a file of a million records costs about 16 MB here, not the strings themselves.
 * Two different pairs share a fingerprint with a probability of about n²/2^65 (3·10^-8 for a million records).
 */
public final class SeenSenders {

    private long[] slots = new long[1024];
    private int size;
    private boolean zeroSeen;

    /** @return true when the pair is new, false when it was seen before */
    public boolean add(String sender, String iso) {
        long key = SenderFingerprint.of(sender.toUpperCase(Locale.ROOT), iso.toLowerCase(Locale.ROOT));
        if (key == 0) {
            boolean fresh = !zeroSeen;
            zeroSeen = true;
            return fresh;
        }
        if (size * 2 >= slots.length) {
            grow();
        }
        return insert(slots, key);
    }

    private boolean insert(long[] table, long key) {
        int mask = table.length - 1;
        int i = (int) (SenderFingerprint.spread(key) & mask);
        while (table[i] != 0) {
            if (table[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = key;
        if (table == slots) {
            size++;
        }
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (long key : old) {
            if (key != 0) {
                insert(slots, key);
            }
        }
    }

}
