package org.senderroute.domain;

/**
 * The ledger's database could not be reached (down, restarting, the network cut, no connection within the pool's
 * timeout). Nothing may be sent then, since nothing could be recorded; nothing is wrong with the file in hand: it is
 * left in its drop and taken again once the database answers. The message names the database (never a password) and
 * the driver's reason, never a statement or its values.
 */
public final class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String database, String reason, Throwable cause) {
        super("the ledger database " + database + " cannot be reached: " + reason, cause);
    }

    /** The first one in the chain of causes, or null. */
    public static LedgerUnavailableException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LedgerUnavailableException lost) {
                return lost;
            }
        }
        return null;
    }
}
