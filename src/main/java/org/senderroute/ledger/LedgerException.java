package org.senderroute.ledger;

/** The ledger could not be read or written: nothing may be sent then, since nothing could be recorded. */
public class LedgerException extends RuntimeException {

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
