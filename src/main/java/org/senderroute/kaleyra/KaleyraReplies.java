package org.senderroute.kaleyra;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * What the call routes ask of a batch's conversation: the actions of the content-based router that classifies
 * Kaleyra's replies (each branch settles the records of the current request); the loop's questions are
 * {@link KaleyraCallRouting}'s. The routes call this singleton bean rather than evaluating expressions on the
 * conversation itself, because Camel caches the objects that simple expressions call methods on, which would keep
 * every batch's records in memory.
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

    /**
     * The call's doCatch of IOException, which matches causes too: a failure after Kaleyra's reply was received (a row
     * that cannot be written on a full disk) is thrown on, failing the file, and never makes another call.
     */
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

    /** The error handler's step: a batch that ended on an error leaves its senders' outcome unknown (none: no batch). */
    public void abandoned(@ExchangeProperty(CONVERSATION) KaleyraConversation c) {
        if (c != null) {
            c.abandoned();
        }
    }

    /** The JSON body of the next request. */
    public RequestBody nextRequestBody(@ExchangeProperty(CONVERSATION) KaleyraConversation c) {
        return c.nextRequestBody();
    }
}
