package org.senderroute.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.senderroute.domain.SenderRequest;

/**
 * Which batch of this instance sends each sender now, for a ledger only this instance writes (the journal): the
 * {@link SenderLedger#own}/{@link SenderLedger#disown} of a ledger of one instance, with the meaning the shared
 * database gives them. Two files in flight may carry the same sender: the batch that owns it first sends it; the
 * other finds it busy and waits until that batch is over, then reads the ledger again, which tells the outcome as
 * for a file dropped twice. A batch that ended with an outcome unknown leaves its senders to the next owner as taken
 * over: a call of it may have created them. Held in memory; nothing is owned after a restart.
 */
final class LocalSenderOwners {

    /** What a busy sender's holder is called in the log line and in a {@code SENDER_BUSY} row. */
    static final String HOLDER = "this one (another of its files)";

    /** account|key of each sender owned → the ownership that owns it. */
    private final Map<String, Long> owners = new HashMap<>();
    /** ownership → the account|key of its senders. */
    private final Map<Long, List<String>> owned = new HashMap<>();
    /** account|key of the senders whose last owner ended with their outcome unknown. */
    private final Set<String> unknown = new HashSet<>();
    private long lastId;

    /** Owns those of the senders no other batch owns; the others are busy. */
    synchronized SenderOwnership own(String account, Collection<SenderRequest> senders) {
        if (senders.isEmpty()) {
            return SenderOwnership.all();
        }
        long id = ++lastId;
        List<String> mine = new ArrayList<>(senders.size());
        Map<String, String> busy = new HashMap<>();
        Map<String, String> takenOver = new HashMap<>();
        for (SenderRequest r : senders) {
            String key = SenderLedger.key(r);
            String slot = account + "|" + key;
            Long holder = owners.putIfAbsent(slot, id);
            if (holder != null && holder != id) {
                busy.put(key, HOLDER);
                continue;
            }
            if (holder == null) {
                mine.add(slot);
                if (unknown.remove(slot)) {
                    takenOver.put(key, HOLDER);
                }
            }
        }
        if (mine.isEmpty()) {
            return new SenderOwnership(0, busy, takenOver);
        }
        owned.put(id, mine);
        return new SenderOwnership(id, busy, takenOver);
    }

    /** The batch is over: its senders are free; with {@code settled} false, their next owner takes them over. */
    synchronized void disown(long ownership, boolean settled) {
        List<String> slots = owned.remove(ownership);
        if (slots == null) {
            return;
        }
        for (String slot : slots) {
            owners.remove(slot);
            if (!settled) {
                unknown.add(slot);
            }
        }
    }

    /** How many senders are owned now (for tests). */
    synchronized int owned() {
        return owners.size();
    }
}
