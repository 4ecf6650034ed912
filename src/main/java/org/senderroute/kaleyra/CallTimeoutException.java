package org.senderroute.kaleyra;

import java.io.InterruptedIOException;

/** A call had no complete reply within {@code sender.http.call-timeout}: its connection was aborted. */
public final class CallTimeoutException extends InterruptedIOException {

    private static final long serialVersionUID = 1L;

    public CallTimeoutException(long timeoutMillis) {
        super("no complete reply within sender.http.call-timeout (" + timeoutMillis + " ms)");
    }
}
