package org.senderroute.kaleyra;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import org.senderroute.domain.SenderRequest;

/**
 * The requests of one batch still to be made, and the one in flight, each with how many calls it already cost. A
 * request that goes back (the rest of a MSG134, the halves of an over-capacity request, a retry) goes to the front.
 */
final class RequestQueue {

    /** A request, and how many calls it already cost. */
    private record Pending(List<SenderRequest> senders, int attemptsMade) {
    }

    private final Deque<Pending> queue = new ArrayDeque<>();
    private Pending current;

    /** Whether no request is waiting (the one in flight does not count). */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** A new request, at the end. */
    void add(List<SenderRequest> senders) {
        queue.add(new Pending(senders, 0));
    }

    /** A new request, at the front: it is the next one made. */
    void addFirst(List<SenderRequest> senders) {
        queue.addFirst(new Pending(senders, 0));
    }

    /**
     * Takes the next request as the one in flight, at most {@code capacity} senders of it (the rest stays at the front
     * as a new request), and returns its senders.
     */
    List<SenderRequest> take(int capacity) {
        Pending next = queue.pollFirst();
        if (next.senders().size() > capacity) {
            queue.addFirst(new Pending(next.senders().subList(capacity, next.senders().size()), 0));
            next = new Pending(next.senders().subList(0, capacity), next.attemptsMade());
        }
        current = new Pending(next.senders(), next.attemptsMade() + 1);
        return current.senders();
    }

    /** The senders of the request in flight, or null when none is. */
    List<SenderRequest> current() {
        return current == null ? null : current.senders();
    }

    /** How many calls the request in flight cost, this one included. */
    int attemptsMade() {
        return current.attemptsMade();
    }

    /** The request in flight is answered. */
    void settled() {
        current = null;
    }

    /** The request in flight goes back to the front, to be made again. */
    void retry() {
        queue.addFirst(current);
        current = null;
    }

    /** The senders of the requests waiting. */
    Stream<SenderRequest> waiting() {
        return queue.stream().flatMap(p -> p.senders().stream());
    }

    void clear() {
        queue.clear();
        current = null;
    }

    /** Every request not answered, the one in flight first; nothing is left afterwards. */
    List<List<SenderRequest>> drain() {
        List<List<SenderRequest>> left = new ArrayList<>(queue.size() + 1);
        if (current != null) {
            left.add(current.senders());
            current = null;
        }
        while (!queue.isEmpty()) {
            left.add(queue.pollFirst().senders());
        }
        return left;
    }
}
