package org.senderroute.ledger;

import java.time.Instant;

/**
 * What the ledger knows about one sender of one account.
 *
 * @param state      PENDING (sent, outcome unknown), CREATED (with Kaleyra's id) or REJECTED (with the reason)
 * @param kaleyraId  Kaleyra's id when created and known, otherwise empty
 * @param reason     why it was rejected, or how its creation was learnt
 * @param sourceFile the file it came from when it was last sent
 * @param updatedAt  when the state was recorded
 */
public record LedgerEntry(String state, String kaleyraId, String reason, String sourceFile, Instant updatedAt) {

    public static final String PENDING = "PENDING";
    public static final String CREATED = "CREATED";
    public static final String REJECTED = "REJECTED";

    public boolean created() {
        return CREATED.equals(state);
    }

    public boolean pending() {
        return PENDING.equals(state);
    }
}
