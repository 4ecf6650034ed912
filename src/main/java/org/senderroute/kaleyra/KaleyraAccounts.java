package org.senderroute.kaleyra;

import org.apache.camel.ExchangeProperty;
import org.senderroute.deliver.FileRun;

/** The account each file's batches are sent with; the content enricher of the call route asks here. */
public final class KaleyraAccounts {

    private final KaleyraAccount defaultAccount;

    public KaleyraAccounts(KaleyraAccount defaultAccount) {
        this.defaultAccount = defaultAccount;
    }

    public KaleyraAccount forFile(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        return defaultAccount;
    }

    public KaleyraAccount defaultAccount() {
        return defaultAccount;
    }
}
