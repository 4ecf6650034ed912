package org.senderroute.kaleyra;

import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * What a call that ended without a reply tells: how it ended (for the call metric), whether its request may have
 * reached Kaleyra, and why, as it may be shown (the api-key masked). A request may have reached Kaleyra unless the
 * connection was never made.
 */
record NoReply(String outcome, boolean maybeDelivered, String why) {

    static NoReply of(Exception e, String apiKey) {
        boolean timedOut = e instanceof CallTimeoutException || e.getCause() instanceof CallTimeoutException;
        String outcome = timedOut ? "call-timeout" : e instanceof ReplyCutOffException ? "cut-off" : "no-reply";
        boolean maybeDelivered = !(e instanceof ConnectException)
                && !(e instanceof UnknownHostException)
                && !(e.getClass().getSimpleName().contains("ConnectTimeout"))
                && !(e.getClass().getSimpleName().equals("HttpHostConnectException"));
        String why = e instanceof ReplyCutOffException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new NoReply(outcome, maybeDelivered, Masking.hide(why, apiKey));
    }
}
