package org.senderroute.ledger;

import java.nio.file.Path;

/** The ledger journal is held by another running instance: one journal serves one instance. */
public final class JournalInUseException extends LedgerException {

    private final String holder;

    JournalInUseException(Path journal, String holder) {
        super("ledger journal " + journal + " is in use by another running instance (" + holder + ")", null);
        this.holder = holder;
    }

    /** Who holds it, as its lock file says: e.g. {@code instance web-1-4242, process 4242 on web-1, since ...}. */
    public String holder() {
        return holder;
    }
}
