package org.senderroute.kaleyra;

import java.time.Duration;

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
    private final Duration ownerWait;

    public KaleyraConversations(RetryPolicy retry, RunVerdict verdict, SenderLedger ledger, SenderMetrics metrics) {
        this(retry, verdict, ledger, metrics, Duration.ofMinutes(10));
    }

    /**
     * @param ownerWait how long a batch waits for senders another instance sharing the ledger is sending
     *                  ({@code sender.ledger.owner-wait})
     */
    public KaleyraConversations(RetryPolicy retry, RunVerdict verdict, SenderLedger ledger, SenderMetrics metrics,
            Duration ownerWait) {
        this.metrics = metrics;
        this.ownerWait = ownerWait;
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
        KaleyraConversation conversation = new KaleyraConversation(batch, run, account, retry, verdict, ledger, metrics,
                ownerWait);
        conversation.begin();
        return conversation;
    }
}
