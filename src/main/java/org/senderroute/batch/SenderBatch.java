package org.senderroute.batch;

import java.util.List;

import org.senderroute.domain.SenderRequest;

/**
 * A bounded slice of one file: at most {@code batch size} valid records, which go to Kaleyra in one call, and the
 * invalid records met while collecting them (also bounded, so that a file of bad records never piles up in memory).
 */
public record SenderBatch(int number, List<SenderRequest> valid, List<Rejected> rejected) {

    /** Kaleyra's limit: the most senders one Create Sender ID call may carry (the highest sender.batch.size). */
    public static final int MAX_SIZE = 5000;

    public boolean hasValid() {
        return !valid.isEmpty();
    }

    public int size() {
        return valid.size() + rejected.size();
    }
}
