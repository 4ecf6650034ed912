package org.senderroute.ledger;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The senders, per account, of calls whose outcome is unknown (left by a crash, or by retries that ran out): kept in
 * memory by both ledger stores, so that an "Already exist" for one of them can be recognised as ours.
 */
final class UnresolvedSenders {

    private final Map<String, LedgerEntry> byAccountAndKey = new ConcurrentHashMap<>();

    void add(String account, String key, LedgerEntry pending) {
        byAccountAndKey.put(account + "|" + key, pending);
    }

    LedgerEntry get(String account, String key) {
        return byAccountAndKey.isEmpty() ? null : byAccountAndKey.get(account + "|" + key);
    }

    /** These senders have an outcome now. */
    void forget(String account, Collection<String> keys) {
        if (!byAccountAndKey.isEmpty()) {
            keys.forEach(key -> byAccountAndKey.remove(account + "|" + key));
        }
    }

    /** Adds the account's unresolved senders, by key, to those not already in {@code all}. */
    void addTo(Map<String, LedgerEntry> all, String account) {
        String prefix = account + "|";
        byAccountAndKey.forEach((key, entry) -> {
            if (key.startsWith(prefix)) {
                all.putIfAbsent(key.substring(prefix.length()), entry);
            }
        });
    }

    int size() {
        return byAccountAndKey.size();
    }
}
