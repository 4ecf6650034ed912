package org.senderroute.kaleyra;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Content enricher strategy: merges the account looked up for a batch (the resource's body) into the batch's
 * exchange, where the call steps read its base URL, path and key. The batch's own body is left as it is.
 */
public final class CredentialsEnricher implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batch, Exchange resource) {
        if (resource.getException() != null) {
            batch.setException(resource.getException());
            return batch;
        }
        KaleyraAccount account = resource.getMessage().getBody(KaleyraAccount.class);
        if (account == null) {
            batch.setException(new IllegalStateException("no Kaleyra account was found for this batch"));
            return batch;
        }
        batch.setProperty(KaleyraConversations.ACCOUNT_PROPERTY, account);
        return batch;
    }
}
