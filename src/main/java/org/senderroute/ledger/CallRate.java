package org.senderroute.ledger;

/**
 * The calls per second Kaleyra sees for an account ({@code sender.http.max-requests-per-second}), when the instances
 * sharing a ledger share that budget: a call waits here for its account's turn before it is made.
 */
public interface CallRate {

    /**
     * Waits until a call for this account may start.
     *
     * @param account the account's SID
     * @throws LedgerException when the turn cannot be taken: no call may be made then
     */
    void acquire(String account) throws InterruptedException;

    /**
     * The rate of an instance that calls alone (a journal or an H2 ledger): no wait here, the route's throttle is the
     * bound of this instance.
     */
    static CallRate perInstance() {
        return account -> {
        };
    }
}
