package org.senderroute.kaleyra;

import org.apache.camel.ExchangeProperty;
import org.senderroute.ledger.CallRate;

/**
 * The route's step before each call: waits for the turn of the batch's account in the calls per second the instances
 * sharing the ledger share ({@link CallRate}). The account is known by its SID, as the ledger knows it.
 */
public final class AccountCallRate {

    private final CallRate rate;

    public AccountCallRate(CallRate rate) {
        this.rate = rate;
    }

    public void acquire(@ExchangeProperty(KaleyraConversations.ACCOUNT_PROPERTY) KaleyraAccount account)
            throws InterruptedException {
        rate.acquire(account.sid());
    }
}
