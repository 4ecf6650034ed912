package org.senderroute.kaleyra;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The actions of the content-based router that classifies Kaleyra's replies: each route branch calls one method
 * here, which settles the records of the current request in the batch's conversation.
 */
public final class KaleyraReplies {

    private static final String CONVERSATION = KaleyraConversation.PROPERTY;

    public void accepted(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onAccepted(reply);
    }

    public void entriesRejected(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onEntriesRejected(reply);
    }

    public void overCapacity(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onOverCapacity(reply);
    }

    public void credentialsRefused(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onCredentialsRefused(reply);
    }

    public void retryLater(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onRetryable(reply);
    }

    public void unexpected(@ExchangeProperty(CONVERSATION) KaleyraConversation c, @Body KaleyraReply reply) {
        c.onUnexpected(reply);
    }

    public void noReply(@ExchangeProperty(CONVERSATION) KaleyraConversation c,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        c.onNoReply(e);
    }

    public void notSentCredentialsRefused(@ExchangeProperty(CONVERSATION) KaleyraConversation c) {
        c.notSentCredentialsRefused();
    }

    public void notSentApiUnavailable(@ExchangeProperty(CONVERSATION) KaleyraConversation c) {
        c.notSentApiUnavailable();
    }

    public void close(@ExchangeProperty(CONVERSATION) KaleyraConversation c) {
        c.close();
    }
}
