package org.senderroute.intake;

import java.io.IOException;

/** The input holds bytes that are not UTF-8; the message says where ({@code not UTF-8 at byte N}, counted from 1). */
public final class NotUtf8Exception extends IOException {

    private final long byteNumber;

    NotUtf8Exception(long byteNumber) {
        super("not UTF-8 at byte " + byteNumber);
        this.byteNumber = byteNumber;
    }

    /** The position of the first byte that is not UTF-8, counted from 1 (a byte order mark counts). */
    public long byteNumber() {
        return byteNumber;
    }
}
