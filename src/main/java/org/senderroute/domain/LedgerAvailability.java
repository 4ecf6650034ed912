package org.senderroute.domain;

/**
 * Whether the ledger's database answers. While it does not, no file is taken from a drop and no batch starts; the
 * files in hand are left in their drop (their senders already sent stay pending in the ledger); readiness is DOWN.
 * A ledger without a database (the journal) is always available.
 */
public interface LedgerAvailability {

    /**
     * Null while the ledger answers, otherwise why it does not. Asks the database again only once in a while (a
     * short check), so that it may be called at every poll and by every health probe.
     */
    String unavailable();

    /** Work on the ledger failed for want of its database: it is unavailable until it answers again. */
    void lost(LedgerUnavailableException e);

    /** The ledger of a journal: nothing to lose. */
    static LedgerAvailability always() {
        return new LedgerAvailability() {
            @Override
            public String unavailable() {
                return null;
            }

            @Override
            public void lost(LedgerUnavailableException e) {
                // a journal's failures are local faults, not an unreachable database
            }
        };
    }
}
