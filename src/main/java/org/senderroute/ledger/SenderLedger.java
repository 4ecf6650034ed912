package org.senderroute.ledger;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.senderroute.domain.SenderRequest;

/**
 * The persistent record of every sender submitted, per account, so that a retry, a crash or a file dropped again
 * never turns a sender created by this module into a failure, nor sends a created one again:
 * <ul>
 * <li>before a call, its senders are recorded as one pending call, durably, before the request leaves: until the
 * call is settled, their outcome is unknown;</li>
 * <li>after the reply, each sender Kaleyra created (with its id) or rejected (with the reason) is recorded, and the
 * call is settled;</li>
 * <li>the calls left pending by a crash, or by an outcome that stayed unknown after every retry, make their senders
 * "pending": an "Already exist" for them later means this module created them.</li>
 * </ul>
 * Two stores: {@link JournalSenderLedger} (an append-only file, the default) and {@link JdbcSenderLedger} (a JDBC
 * database shared by several instances).
 */
public interface SenderLedger {

    /** The key the ledger uses for a sender: upper-case sender, lower-case ISO code ({@link SenderRequest#senderKey}). */
    static String key(SenderRequest r) {
        return r.senderKey();
    }

    /**
     * What the ledger holds for these senders, by {@link #key(SenderRequest)}: CREATED or REJECTED, or PENDING when a
     * call that sent them has no known outcome. Absent ones are not in the map.
     */
    Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders);

    /** Recorded, durably, before the call that sends these senders: returns the call's id. */
    long callStarted(String account, String file, Collection<SenderRequest> senders);

    /** The calls' outcomes are all known now (every sender of them created, rejected, or proven not created). */
    void callsSettled(Collection<Long> calls);

    /** These senders' calls ended with no known outcome: they stay pending. */
    void leftUnresolved(String account, String file, Collection<SenderRequest> senders);

    /** Kaleyra created these senders (value: Kaleyra's id, empty when unknown); {@code how} says how it was learnt. */
    void created(String account, String file, Map<SenderRequest, String> idBySender, String how);

    /** Kaleyra rejected these senders (value: the reason). */
    void rejected(String account, String file, Map<SenderRequest, String> reasonBySender);

    /** Writes whatever is held in memory (at the end of every file and at stop). */
    void flush();

    /** Everything recorded for an account, pending senders included (for tests and operators; not for large ledgers). */
    Map<String, LedgerEntry> all(String account);

    /** How many calls are recorded as pending now (a settled run leaves none). */
    int pendingCalls();

    /**
     * Makes this instance's batch the owner of these senders before any of them is sent, so that no two instances
     * sharing the ledger, nor two batches of one instance (two files in flight), send a sender at once. The default,
     * for a ledger with no other batch to wait for, owns them all at once.
     */
    default SenderOwnership own(String account, Collection<SenderRequest> senders) {
        return SenderOwnership.all();
    }

    /**
     * The batch that took this ownership is over: with {@code settled}, its senders are free once their outcomes are
     * written (in the same transaction); otherwise some outcome stayed unknown, and the next owner of those senders is
     * told ({@link SenderOwnership#takenOver}).
     */
    default void disown(long ownership, boolean settled) {
        // a ledger of one instance has nothing to release
    }
}
