package org.senderroute.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One element of a request's {@code data} array after field validation.
 *
 * @param index       0-based position in the request's data array
 * @param sender      the sender as sent, or null when missing or not text
 * @param description the description as sent, or null when missing or not text
 * @param isoCode     the ISO code in lower case when it is a known code, else null
 * @param entityId    the entity id as text, or null when absent
 * @param faults      field name to message, in field order; empty when the entry is valid on its own
 */
record SenderEntry(int index, String sender, String description, String isoCode, String entityId,
                   Map<String, String> faults) {

    SenderEntry {
        faults = Collections.unmodifiableMap(new LinkedHashMap<>(faults));
    }

    /** Identity of a sender within an account: ISO code plus the sender, case-insensitive. */
    String key() {
        return keyOf(isoCode, sender);
    }

    /** True when the sender and ISO code are good enough to be compared with held senders. */
    boolean comparable() {
        return sender != null && isoCode != null && !faults.containsKey(KaleyraMessages.FIELD_SENDER)
                && !faults.containsKey(KaleyraMessages.FIELD_ISO_CODE);
    }

    static String keyOf(String isoCode, String sender) {
        return isoCode.toLowerCase(Locale.ROOT) + ':' + sender.toUpperCase(Locale.ROOT);
    }
}
