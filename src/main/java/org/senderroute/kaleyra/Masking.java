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

    /** The text with every occurrence of the secret masked (a reply that echoes the api-key must not show it). */
    public static String hide(String text, String secret) {
        if (text == null || secret == null || secret.length() < 4 || !text.contains(secret)) {
            return text;
        }
        return text.replace(secret, mask(secret));
    }
}
