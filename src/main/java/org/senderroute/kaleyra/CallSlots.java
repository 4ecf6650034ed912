package org.senderroute.kaleyra;

import java.util.concurrent.Semaphore;

/**
 * Bounds the calls to Kaleyra in flight at once ({@code sender.http.max-concurrent-calls}), whatever thread or file
 * they come from: a call takes a slot before the HTTP request and gives it back when the reply (or the error) is in.
 */
public final class CallSlots {

    private final Semaphore slots;

    public CallSlots(int size) {
        this.slots = new Semaphore(size, true);
    }

    public void acquire() throws InterruptedException {
        slots.acquire();
    }

    public void release() {
        slots.release();
    }
}
