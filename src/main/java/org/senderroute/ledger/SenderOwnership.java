package org.senderroute.ledger;

import java.util.Map;

/**
 * What {@link SenderLedger#own} answers for the senders of a batch: which of them this instance now sends, and which
 * it may not send yet. Of several instances sharing a ledger database, one only owns a sender at a time, until the
 * batch that owns it is over; an owner whose instance is gone (killed, or cut off from the database) is replaced.
 *
 * @param id        this ownership's number, unique among the instances sharing the database (0: a ledger of one
 *                  instance, where every sender is owned)
 * @param busy      the senders a batch of a live instance owns (by {@link SenderLedger#key}): not to be sent now;
 *                  the value names that instance
 * @param takenOver the senders owned before by a batch that ended without knowing their outcome, or by an instance
 *                  that is gone (by key; the value names that instance): a call of that batch may have created them
 */
public record SenderOwnership(long id, Map<String, String> busy, Map<String, String> takenOver) {

    /** Every sender is owned, none was owned by another (a ledger of one instance). */
    public static SenderOwnership all() {
        return new SenderOwnership(0, Map.of(), Map.of());
    }
}
