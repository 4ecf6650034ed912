package org.senderroute.kaleyra;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.senderroute.domain.SenderRequest;
import org.senderroute.ledger.SenderLedger;

/**
 * The senders of one batch whose outcome is unknown: a call that sent them may have created them (it timed out, its
 * connection closed after sending, its reply was cut off or nobody expected it, or the ledger holds them pending from
 * an earlier call). An "Already exist" for one of them later means that call created it. Of a reply cut off half-way,
 * the Kaleyra ids of the {@code data} entries that did arrive are kept for the senders they name.
 */
final class UnknownOutcomes {

    static final String LOST_REPLY = "created by an earlier call whose reply was lost";
    static final String CUT_REPLY = "created by an earlier call whose reply was cut off";

    private final Set<String> senders = new HashSet<>();
    /** Senders of a call whose reply was cut off: the Kaleyra id that arrived for each, or an empty string. */
    private final Map<String, String> cutOff = new HashMap<>();

    void add(SenderRequest r) {
        senders.add(SenderLedger.key(r));
    }

    void addAll(Collection<SenderRequest> requests) {
        requests.forEach(this::add);
    }

    boolean contains(SenderRequest r) {
        return senders.contains(SenderLedger.key(r));
    }

    boolean isEmpty() {
        return senders.isEmpty();
    }

    /** Those of these senders whose outcome is unknown. */
    List<SenderRequest> among(Stream<SenderRequest> requests) {
        return requests.filter(this::contains).toList();
    }

    /** The senders of a call whose reply was cut off, each with the id its entry of that reply gave, if that arrived. */
    void cutOff(List<SenderRequest> requests, List<KaleyraReply.Created> arrived) {
        List<KaleyraReply.Created> entries = arrived.isEmpty() ? Collections.nCopies(requests.size(), null)
                : KaleyraReply.entriesOf(requests, arrived);
        for (int i = 0; i < requests.size(); i++) {
            KaleyraReply.Created entry = entries.get(i);
            cutOff.merge(SenderLedger.key(requests.get(i)), entry == null ? "" : entry.id(),
                    (had, now) -> now.isEmpty() ? had : now);
        }
    }

    /** The Kaleyra id that arrived for the sender in a reply cut off, or an empty string. */
    String arrivedId(SenderRequest r) {
        return cutOff.getOrDefault(SenderLedger.key(r), "");
    }

    /** The message of a success row for a sender created by an earlier call whose outcome was unknown. */
    String createdEarlier(SenderRequest r, String id, String answer) {
        if (!cutOff.containsKey(SenderLedger.key(r))) {
            return LOST_REPLY + "; " + answer + " (its id is not known: Kaleyra gives no way to read a sender back)";
        }
        return CUT_REPLY + "; " + answer + (id.isEmpty()
                ? " (its id did not arrive, and Kaleyra gives no way to read a sender back)"
                : " (its id is from the part of that reply that arrived)");
    }

    void clear() {
        senders.clear();
        cutOff.clear();
    }
}
