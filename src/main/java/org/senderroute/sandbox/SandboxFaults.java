package org.senderroute.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Run-time fault switches of the {@link KaleyraSandbox}. All are off by default and all methods are thread-safe.
 *
 * <p>The one-shot faults apply to POSTs on the sender paths and are consumed one per POST, checked in this
 * order: {@link #failNext}, then {@link #dropConnectionNext}, then {@link #createThenCutReplyNext}, then the faults
 * of hostile or broken replies ({@link #createThenTrickleReplyNext}, {@link #createThenEndReplyEarlyNext},
 * {@link #redirectNext}, {@link #answerHugeReplyNext}, in the order they were asked for), then
 * {@link #createThenAnswerLateNext}. Calls
 * accumulate: {@code failNext(1, 503, ...)} followed by {@code failNext(1, 429, ...)} fails the next POST with
 * 503 and the one after with 429.
 */
public final class SandboxFaults {

    /** What to do with one POST. */
    sealed interface PostFault permits None, Fail, Drop, CutReply, AnswerLate, Trickle, EndEarly, Redirect, HugeReply {
    }

    record None() implements PostFault {
    }

    record Fail(int status, String body, Integer retryAfterSeconds) implements PostFault {
    }

    record Drop() implements PostFault {
    }

    record CutReply() implements PostFault {
    }

    record AnswerLate(Duration delay) implements PostFault {
    }

    record Trickle(Duration every) implements PostFault {
    }

    record EndEarly() implements PostFault {
    }

    record Redirect(int status, String location) implements PostFault {
    }

    record HugeReply(int entries) implements PostFault {
    }

    static final String DEFAULT_FAIL_BODY =
            "{\"code\":\"SANDBOX\",\"message\":\"Injected failure\",\"data\":[],\"error\":{\"error\":\"Injected failure\"}}";

    private final int defaultCapacity;
    private final Duration defaultLatency;

    private final Deque<Fail> fails = new ArrayDeque<>();
    private int drops;
    private int cuts;
    private final Deque<Duration> lateAnswers = new ArrayDeque<>();
    private final Deque<PostFault> brokenReplies = new ArrayDeque<>();
    private int capacity;
    private Duration latency;

    SandboxFaults(int defaultCapacity, Duration defaultLatency) {
        this.defaultCapacity = defaultCapacity;
        this.defaultLatency = defaultLatency;
        this.capacity = defaultCapacity;
        this.latency = defaultLatency;
    }

    /**
     * The next {@code count} POSTs answer {@code status} with {@code body} (sent as JSON; a generic body when
     * null) and create nothing. When {@code retryAfterSeconds} is not null a {@code Retry-After} header is sent.
     */
    public synchronized SandboxFaults failNext(int count, int status, String body, Integer retryAfterSeconds) {
        requireCount(count);
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599, got " + status);
        }
        if (retryAfterSeconds != null && retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must not be negative");
        }
        Fail fail = new Fail(status, body == null ? DEFAULT_FAIL_BODY : body, retryAfterSeconds);
        for (int i = 0; i < count; i++) {
            fails.addLast(fail);
        }
        return this;
    }

    /** The next {@code count} POSTs are read fully, then the connection is closed without any response. */
    public synchronized SandboxFaults dropConnectionNext(int count) {
        requireCount(count);
        drops += count;
        return this;
    }

    /**
     * The next {@code count} POSTs are processed normally (senders are created), then the connection is closed half-way
     * through the reply's body: the client sees the status and the headers, and the body breaks off.
     */
    public synchronized SandboxFaults createThenCutReplyNext(int count) {
        requireCount(count);
        cuts += count;
        return this;
    }

    /**
     * The next {@code count} POSTs are processed normally (senders are created), then the reply (status, headers and
     * its Content-Length at once) is sent one byte every {@code every}: a reply that never seems to end.
     */
    public synchronized SandboxFaults createThenTrickleReplyNext(int count, Duration every) {
        requireCount(count);
        requireNonNegative(every);
        for (int i = 0; i < count; i++) {
            brokenReplies.addLast(new Trickle(every));
        }
        return this;
    }

    /**
     * The next {@code count} POSTs are processed normally (senders are created), then the reply is sent without a
     * Content-Length (chunked) and ended cleanly half-way through its JSON: the client sees a complete HTTP response
     * whose body breaks off.
     */
    public synchronized SandboxFaults createThenEndReplyEarlyNext(int count) {
        requireCount(count);
        for (int i = 0; i < count; i++) {
            brokenReplies.addLast(new EndEarly());
        }
        return this;
    }

    /** The next {@code count} POSTs answer {@code status} (3xx) with a {@code Location} header, and create nothing. */
    public synchronized SandboxFaults redirectNext(int count, int status, String location) {
        requireCount(count);
        if (status < 300 || status > 399) {
            throw new IllegalArgumentException("status must be 300..399, got " + status);
        }
        Objects.requireNonNull(location, "location");
        for (int i = 0; i < count; i++) {
            brokenReplies.addLast(new Redirect(status, location));
        }
        return this;
    }

    /**
     * The next {@code count} POSTs answer 200 MSG106 with a {@code data} array of {@code entries} made-up entries,
     * written as they are generated (never held in memory), and create nothing.
     */
    public synchronized SandboxFaults answerHugeReplyNext(int count, int entries) {
        requireCount(count);
        if (entries < 0) {
            throw new IllegalArgumentException("entries must not be negative, got " + entries);
        }
        for (int i = 0; i < count; i++) {
            brokenReplies.addLast(new HugeReply(entries));
        }
        return this;
    }

    /** The next {@code count} POSTs are processed normally (senders are created) but answered after {@code delay}. */
    public synchronized SandboxFaults createThenAnswerLateNext(int count, Duration delay) {
        requireCount(count);
        requireNonNegative(delay);
        for (int i = 0; i < count; i++) {
            lateAnswers.addLast(delay);
        }
        return this;
    }

    /** Delays every response (and every dropped connection) by {@code latency}. */
    public synchronized SandboxFaults latency(Duration latency) {
        requireNonNegative(latency);
        this.latency = latency;
        return this;
    }

    public synchronized Duration latency() {
        return latency;
    }

    /** Changes the maximum number of senders accepted per call. */
    public synchronized SandboxFaults capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        return this;
    }

    public synchronized int capacity() {
        return capacity;
    }

    /** Number of one-shot faults not consumed yet. */
    public synchronized int pending() {
        return fails.size() + drops + cuts + brokenReplies.size() + lateAnswers.size();
    }

    /** Turns every fault off and restores capacity and latency from the settings. */
    public synchronized void reset() {
        fails.clear();
        drops = 0;
        cuts = 0;
        brokenReplies.clear();
        lateAnswers.clear();
        capacity = defaultCapacity;
        latency = defaultLatency;
    }

    /** Consumes the fault that applies to the POST being handled. */
    synchronized PostFault takeForPost() {
        if (!fails.isEmpty()) {
            return fails.removeFirst();
        }
        if (drops > 0) {
            drops--;
            return new Drop();
        }
        if (cuts > 0) {
            cuts--;
            return new CutReply();
        }
        if (!brokenReplies.isEmpty()) {
            return brokenReplies.removeFirst();
        }
        if (!lateAnswers.isEmpty()) {
            return new AnswerLate(lateAnswers.removeFirst());
        }
        return new None();
    }

    private static void requireCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
    }

    private static void requireNonNegative(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative");
        }
    }
}
