package org.senderroute.kaleyra;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.senderroute.batch.Rejected;
import org.senderroute.batch.SenderBatch;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.RunVerdict;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.SenderMetrics;

/** Starts the conversation of each batch, after reporting the batch's invalid records. */
public final class KaleyraConversations {

    public static final String ACCOUNT_PROPERTY = "kaleyraAccount";

    private final RetryPolicy retry;
    private final RunVerdict verdict;
    private final SenderLedger ledger;
    private final SenderMetrics metrics;

    public KaleyraConversations(RetryPolicy retry, RunVerdict verdict, SenderLedger ledger, SenderMetrics metrics) {
        this.metrics = metrics;
        this.retry = retry;
        this.verdict = verdict;
        this.ledger = ledger;
    }

    public KaleyraConversation start(@Body SenderBatch batch, @ExchangeProperty(FileRun.PROPERTY) FileRun run,
            @ExchangeProperty(ACCOUNT_PROPERTY) KaleyraAccount account) {
        for (Rejected r : batch.rejected()) {
            run.failed(r.request(), r.failure());
            metrics.invalid(r.failure().code());
        }
        KaleyraConversation conversation = new KaleyraConversation(batch, run, account, retry, verdict, ledger, metrics);
        conversation.begin();
        return conversation;
    }
}
