package org.senderroute.support;

/**
 * A 64-bit fingerprint (FNV-1a) of a few strings, and the bit mixing that spreads it over a hash table: how the
 * module remembers a sender in 8 bytes rather than by its strings.
 */
public final class SenderFingerprint {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private static final char SEPARATOR = 0x1F;

    private SenderFingerprint() {
    }

    /** The fingerprint of the strings in order (a separator between them, so "ab","c" differs from "a","bc"). */
    public static long of(String... parts) {
        long h = OFFSET;
        for (int p = 0; p < parts.length; p++) {
            if (p > 0) {
                h = (h ^ SEPARATOR) * PRIME;
            }
            String s = parts[p];
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * PRIME;
            }
        }
        return h;
    }

    /** A fingerprint's bits mixed, for the first slot of an open-addressing table. */
    public static long spread(long fingerprint) {
        long k = fingerprint;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }
}
