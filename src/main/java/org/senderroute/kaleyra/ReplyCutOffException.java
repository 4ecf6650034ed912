package org.senderroute.kaleyra;

import java.io.IOException;
import java.util.List;

/**
 * A reply whose body broke off: the connection failed half-way through it, or its JSON ended before it was complete.
 * The call counts as having had no reply; the {@code data} entries that did arrive are kept, so that the senders they
 * name keep their Kaleyra id once the outcome is known.
 */
public final class ReplyCutOffException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient List<KaleyraReply.Created> arrived;

    public ReplyCutOffException(int status, List<KaleyraReply.Created> arrived, IOException cause) {
        super("the reply (HTTP " + status + ") was cut off" + (arrived.isEmpty() ? "" : " after " + arrived.size()
                + " of its entries") + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage()), cause);
        this.arrived = List.copyOf(arrived);
    }

    /** The entries of the reply's {@code data} array read before it broke off. */
    public List<KaleyraReply.Created> arrived() {
        return arrived;
    }
}
