package org.senderroute.kaleyra;

/** Hides credentials in anything that may be logged: only the last 4 characters of a long value remain. */
public final class Masking {

    private Masking() {
    }

    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "(none)";
        }
        if (secret.length() < 12) {
            return "****";
        }
        return "****" + secret.substring(secret.length() - 4);
    }
}
