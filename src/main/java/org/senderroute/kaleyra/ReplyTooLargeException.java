package org.senderroute.kaleyra;

import java.io.IOException;

/** A reply's body went over {@code sender.http.max-reply-bytes}: the rest was not read, its connection was aborted. */
public final class ReplyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    public ReplyTooLargeException(long maxBytes) {
        super("the reply is larger than " + maxBytes + " bytes (sender.http.max-reply-bytes)");
    }
}
