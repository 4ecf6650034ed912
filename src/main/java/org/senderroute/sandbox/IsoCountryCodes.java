package org.senderroute.sandbox;

import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes as known to the JDK, matched case-insensitively. */
final class IsoCountryCodes {

    private static final Set<String> CODES = Set.of(Locale.getISOCountries());

    private IsoCountryCodes() {
    }

    static boolean isKnown(String code) {
        return code != null && code.length() == 2 && CODES.contains(code.toUpperCase(Locale.ROOT));
    }

    /** The canonical (lower-case) form used by the sandbox for storage and lookups. */
    static String normalize(String code) {
        return code.strip().toLowerCase(Locale.ROOT);
    }
}
