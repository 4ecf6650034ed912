package org.senderroute.intake;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places for the files of the directory drop processed at once ({@code sender.inbox.files-in-flight}): a file
 * takes a place before it is taken from the drop (its claim and read lock come after) and gives it back once its
 * exchange is over and it has been moved out of the drop. When every place is held, the drop's consumer waits for
 * one before it takes the next file, so the files are still taken in the order of the drop's listing, and at most
 * that many files' batches are in memory.
 */
public final class FilesInFlight {

    private final int places;
    private final Semaphore free;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Runnable> whenIdle = new CopyOnWriteArrayList<>();

    /** @param places how many files may be in flight at once (at least 1) */
    public FilesInFlight(int places) {
        if (places < 1) {
            throw new IllegalArgumentException("files in flight must be at least 1, not " + places);
        }
        this.places = places;
        this.free = new Semaphore(places, true);
    }

    /** No bound: every file takes a place at once (for a drop whose route hands files over to no other thread). */
    public static FilesInFlight unbounded() {
        return new FilesInFlight(Integer.MAX_VALUE);
    }

    /** How many files may be in flight at once. */
    public int places() {
        return places;
    }

    /** Waits for a free place and holds it; false when the wait was interrupted (a stop): no place is held then. */
    boolean take() {
        try {
            free.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    /** A file's place is free again; when it was the last one held, those waiting for no file in flight are told. */
    void over() {
        int left = inFlight.decrementAndGet();
        free.release();
        if (left == 0) {
            whenIdle.forEach(Runnable::run);
        }
    }

    /** Whether no file holds a place now. */
    public boolean idle() {
        return inFlight.get() == 0;
    }

    /** Runs each time the last file in flight is over. */
    public void whenIdle(Runnable callback) {
        whenIdle.add(callback);
    }
}
