package org.senderroute.kaleyra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.senderroute.batch.SenderBatch;
import org.senderroute.domain.Failure;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.RunVerdict;
import org.senderroute.domain.SenderRequest;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.ledger.SenderOwnership;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.support.LocalFaultException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The calls that settle one batch. Kaleyra's call is all-or-nothing, so a batch may take several calls: the
 * entries a 400 MSG134 names fail and the rest are sent again; an over-capacity reply halves the request; a 429,
 * 5xx, timeout or dropped connection sends the same request again after a backoff. The conversation ends when
 * every record of the batch has an outcome, written to the file's run.
 *
 * <p>Each reply handler first marks the reply as received ({@link #callEnded}), then writes what the reply said to
 * the ledger before any row. The requests still to be made are a {@link RequestQueue}, the senders a call may have
 * created without our knowing are {@link UnknownOutcomes}, the rows go through {@link BatchRows}. The handlers stay
 * together in this one class although it is long: the rules that keep a sender from being sent twice are about how
 * the replies follow one another (a timeout, then "Already exist"; a reply, then a local fault), and read best side
 * by side.
 */
public final class KaleyraConversation {

    public static final String PROPERTY = "kaleyraConversation";

    private static final Logger LOG = LoggerFactory.getLogger(KaleyraConversation.class);
    private static final String ALREADY_EXISTS = "already exist";

    private SenderBatch batch;
    private final FileRun run;
    private final KaleyraAccount account;
    private final RetryPolicy retry;
    private final RunVerdict verdict;
    private final SenderLedger ledger;
    private final SenderMetrics metrics;
    private final Duration ownerWait;
    private final RequestQueue requests = new RequestQueue();
    private final UnknownOutcomes unknown = new UnknownOutcomes();
    private final BatchRows rows;
    private final List<Long> callIds = new ArrayList<>();
    /** The ledger's ownerships of the batch's senders, released when the batch is over. */
    private final List<Long> ownerships = new ArrayList<>();
    /** Senders another instance is sending: they wait until it is done (by key), and the instance of each. */
    private final Map<String, SenderRequest> deferred = new LinkedHashMap<>();
    private final Map<String, String> holders = new HashMap<>();
    private final long startNanos = System.nanoTime();
    private long callStartedNanos;
    /** Kaleyra's reply to the current call was received: whatever fails after that is not a lost reply. */
    private boolean replied;
    private boolean outcomeLeftUnknown;
    private long backoffMillis;
    private int calls;
    private String lastReply = "";

    KaleyraConversation(SenderBatch batch, FileRun run, KaleyraAccount account, RetryPolicy retry, RunVerdict verdict,
            SenderLedger ledger, SenderMetrics metrics, Duration ownerWait) {
        this.metrics = metrics;
        this.ownerWait = ownerWait;
        this.batch = batch;
        this.run = run;
        this.account = account;
        this.retry = retry;
        this.verdict = verdict;
        this.ledger = ledger;
        this.rows = new BatchRows(run);
    }

    /**
     * Before anything is sent: owns the batch's senders in the ledger (of instances sharing it, one only sends a
     * sender at a time; one another instance is sending waits, see {@link #isOpen}), then consults it: a sender it
     * records as created is a success row at once (never sent twice); one still pending from an earlier call whose
     * reply was lost, or taken over from an instance that is gone, is sent again, and an "Already exist" for it will
     * mean that earlier call created it.
     */
    void begin() {
        if (!batch.hasValid()) {
            return;
        }
        List<SenderRequest> toSend = owned(batch.valid());
        if (!toSend.isEmpty()) {
            requests.add(toSend);
            metrics.batchSent();
        }
    }

    /** Owns these senders and returns those to send; the busy ones wait in {@link #deferred}. */
    private List<SenderRequest> owned(List<SenderRequest> senders) {
        SenderOwnership ownership = ledger.own(account.sid(), senders);
        // the batch's wait is told once, when it starts waiting, not at each look at the ledger while it waits
        boolean waitingAlready = !deferred.isEmpty();
        if (ownership.id() != 0) {
            ownerships.add(ownership.id());
        }
        List<SenderRequest> free = senders;
        if (!ownership.busy().isEmpty()) {
            free = new ArrayList<>(senders.size());
            for (SenderRequest r : senders) {
                String key = SenderLedger.key(r);
                String holder = ownership.busy().get(key);
                if (holder == null) {
                    free.add(r);
                    deferred.remove(key);
                } else {
                    deferred.put(key, r);
                    holders.put(key, holder);
                }
            }
        } else {
            // the senders asked for are the batch's first (nothing waits yet) or every one that waited: none waits now
            deferred.clear();
        }
        if (!ownership.busy().isEmpty() && !waitingAlready || !ownership.takenOver().isEmpty()) {
            try (var file = MDC.putCloseable("senderFile", run.inputName());
                    var number = MDC.putCloseable("senderBatch", Integer.toString(batch.number()))) {
                LOG.info("{} batch {}: {} senders wait for the batch that is sending them (instance {}); {} taken over"
                        + " from a batch whose outcome is unknown ({})", run.inputName(), batch.number(),
                        ownership.busy().size(), names(ownership.busy()), ownership.takenOver().size(),
                        names(ownership.takenOver()));
            }
        }
        if (free.isEmpty()) {
            return free;
        }
        Map<String, LedgerEntry> known = ledger.lookup(account.sid(), free);
        List<SenderRequest> toSend = new ArrayList<>(free.size());
        for (SenderRequest r : free) {
            LedgerEntry entry = known.isEmpty() ? null : known.get(SenderLedger.key(r));
            if (entry != null && entry.created()) {
                rows.succeed(r, entry.kaleyraId(), "", "", "registered earlier by this module on " + entry.updatedAt()
                        + (entry.sourceFile().isEmpty() ? "" : " (from " + entry.sourceFile() + ")")
                        + (entry.kaleyraId().isEmpty() ? "; Kaleyra's id was not in its reply" : ""));
                continue;
            }
            if (entry != null && entry.pending()
                    || entry == null && ownership.takenOver().containsKey(SenderLedger.key(r))) {
                unknown.add(r);
            }
            toSend.add(r);
        }
        return toSend;
    }

    /** The instances named in an ownership's answer, at most three. */
    private static String names(Map<String, String> byKey) {
        List<String> distinct = byKey.values().stream().distinct().toList();
        return distinct.size() <= 3 ? String.join(", ", distinct)
                : String.join(", ", distinct.subList(0, 3)) + " and " + (distinct.size() - 3) + " more";
    }

    /**
     * Waits for the senders another instance is sending (its batch over, their outcome is in the ledger), polling
     * the ledger, for at most {@code sender.ledger.owner-wait}; those still busy then fail as {@link Failure#SENDER_BUSY}.
     * Never sends a sender while another instance may be sending it.
     */
    private void awaitDeferred() {
        // what this batch sent is over: its senders are free for others first (two batches each waiting for
        // senders the other holds would wait for ever)
        if (!outcomeLeftUnknown) {
            ledger.callsSettled(callIds);
            callIds.clear();
        }
        disown(!outcomeLeftUnknown);
        long deadline = System.nanoTime() + ownerWait.toNanos();
        long pause = 100;
        while (!deferred.isEmpty() && run.abandoned() == null) {
            boolean late = System.nanoTime() - deadline > 0;
            if (!late) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    late = true;
                }
                pause = Math.min(pause * 2, 2000);
            }
            if (late) {
                deferred.forEach((key, r) -> rows.fail(r, new Failure(Failure.SENDER_BUSY, "not sent: instance "
                        + holders.get(key) + " was sending this sender at the same time and had not finished after "
                        + ownerWait.toSeconds() + " s; drop the failure file again later: the ledger then tells"
                        + " its outcome")));
                deferred.clear();
                return;
            }
            List<SenderRequest> toSend = owned(new ArrayList<>(deferred.values()));
            if (!toSend.isEmpty()) {
                requests.add(toSend);
                return;
            }
        }
    }

    /** For the loop in the route: whether another call is needed (none once the file's processing was abandoned). */
    public boolean isOpen() {
        if (requests.isEmpty() && !deferred.isEmpty() && run.abandoned() == null) {
            awaitDeferred();
        }
        return !requests.isEmpty() && run.abandoned() == null;
    }

    /** For the route: whether the account's credentials were refused already, so no call may be made. */
    public boolean isCredentialsRefused() {
        return account.refusal() != null;
    }

    /** For the route: whether an earlier batch of the same file gave up on an unavailable API. */
    public boolean isApiGivenUp() {
        return run.apiUnavailable() != null;
    }

    /** For the route's delay step: how long to wait before the next call (0 unless a retry is due). */
    public long getBackoffMillis() {
        return backoffMillis;
    }

    /** Takes the next request off the queue (the backoff before it is then over) and returns its JSON body. */
    public RequestBody nextRequestBody() {
        List<SenderRequest> senders = requests.take(account.capacity());
        replied = false;
        backoffMillis = 0;
        callIds.add(ledger.callStarted(account.sid(), run.inputName(), senders));
        if (requests.attemptsMade() > 1) {
            metrics.retried();
        }
        calls++;
        callStartedNanos = System.nanoTime();
        run.callMade();
        return RequestBody.of(senders);
    }

    /** For the reply's parser: how many senders the call in flight sent. */
    public int requestSize() {
        List<SenderRequest> current = requests.current();
        return current == null ? Integer.MAX_VALUE : current.size();
    }

    /**
     * 200 MSG106 with a {@code data} array (nothing else is a success): Kaleyra's call is all-or-nothing, so every
     * sender of the request was created; each record is joined with its {@code data[]} entry by position, or else by
     * sender. A sender the array does not name is a success without an id (MSG106 says it was created; sending it
     * again could only answer "Already exist").
     */
    public void onAccepted(KaleyraReply reply) {
        callEnded("accepted");
        lastReply = shown(reply);
        List<SenderRequest> senders = requests.current();
        List<KaleyraReply.Created> entries = KaleyraReply.entriesOf(senders, reply.getCreated());
        Map<SenderRequest, String> ids = new HashMap<>();
        for (int i = 0; i < senders.size(); i++) {
            ids.put(senders.get(i), entries.get(i) == null ? "" : entries.get(i).id());
        }
        ledger.created(account.sid(), run.inputName(), ids, reply.getCode());
        for (int i = 0; i < senders.size(); i++) {
            KaleyraReply.Created entry = entries.get(i);
            if (entry == null) {
                rows.succeed(senders.get(i), "", "", reply.getCode(), "accepted (" + shown(reply)
                        + ") but the reply lists no entry for this sender");
            } else {
                rows.succeed(senders.get(i), entry.id(), entry.status(), entry.code(), entry.message());
            }
        }
        requests.settled();
    }

    /**
     * 400 MSG134: nothing was created. The entries named by index fail with Kaleyra's message; the others go
     * back to the front of the queue as a new request. "Already exist" for a sender whose earlier call had an
     * unknown outcome means that call created it: a success, not a failure.
     */
    public void onEntriesRejected(KaleyraReply reply) {
        callEnded("entries-rejected");
        lastReply = shown(reply);
        List<SenderRequest> senders = requests.current();
        Map<Integer, String> named = reply.getRejectedEntries();
        boolean anyNamed = named.keySet().stream().anyMatch(i -> i >= 0 && i < senders.size());
        if (!anyNamed) {
            for (SenderRequest r : senders) {
                rows.fail(r, new Failure(reply.getCode(), "Kaleyra rejected the request without naming entries: " + shown(reply)));
            }
            requests.settled();
            return;
        }
        List<SenderRequest> again = new ArrayList<>(senders.size());
        Map<SenderRequest, String> ours = new LinkedHashMap<>();
        Map<SenderRequest, String> rejected = new LinkedHashMap<>();
        for (int i = 0; i < senders.size(); i++) {
            SenderRequest r = senders.get(i);
            String why = named.get(i);
            if (why == null) {
                again.add(r);
            } else if (why.toLowerCase(Locale.ROOT).contains(ALREADY_EXISTS) && unknown.contains(r)) {
                ours.put(r, unknown.arrivedId(r));
            } else {
                rejected.put(r, why);
            }
        }
        ledger.created(account.sid(), run.inputName(), ours, UnknownOutcomes.LOST_REPLY);
        ledger.rejected(account.sid(), run.inputName(), rejected);
        String answer = "Kaleyra now answers: " + named.values().stream()
                .filter(m -> m.toLowerCase(Locale.ROOT).contains(ALREADY_EXISTS)).findFirst().orElse("");
        ours.forEach((r, id) -> rows.succeed(r, id, "", "", unknown.createdEarlier(r, id, answer)));
        rejected.forEach((r, why) -> rows.fail(r, new Failure(reply.getCode(), why)));
        if (!again.isEmpty()) {
            requests.addFirst(again);
            metrics.resubmitted();
        }
        requests.settled();
    }

    /** 400 RBC192: the request was larger than the server takes; send it again in two halves. */
    public void onOverCapacity(KaleyraReply reply) {
        callEnded("over-capacity");
        lastReply = shown(reply);
        List<SenderRequest> senders = requests.current();
        if (senders.size() == 1) {
            rows.fail(senders.get(0), new Failure(Failure.OVER_CAPACITY, "Kaleyra refused even a single sender as over capacity: "
                    + shown(reply)));
        } else {
            account.overCapacityAt(senders.size());
            int half = senders.size() / 2;
            requests.addFirst(senders.subList(half, senders.size()));
            requests.addFirst(senders.subList(0, half));
            metrics.resubmitted();
        }
        requests.settled();
    }

    /** 401/403: the credentials are wrong. Fail this batch and make no further call with them. */
    public void onCredentialsRefused(KaleyraReply reply) {
        callEnded("credentials-refused");
        lastReply = shown(reply);
        account.refused(lastReply);
        verdict.credentialsRefused(lastReply);
        failEverythingLeft(Failure.AUTH_REFUSED, "not created: Kaleyra refused the account's credentials (" + lastReply
                + "); check " + account.propertyPrefix() + ".sid and " + account.propertyPrefix()
                + ".api-key, then drop the failure file again");
    }

    /** Called instead of a call once the credentials are known to be refused. */
    public void notSentCredentialsRefused() {
        failEverythingLeft(Failure.AUTH_REFUSED, "not sent: Kaleyra refused the account's credentials earlier ("
                + account.refusal() + "); check " + account.propertyPrefix() + ".sid and " + account.propertyPrefix()
                + ".api-key, then drop the failure file again");
    }

    /** Called instead of a call once an earlier batch of the file gave up on an unavailable API. */
    public void notSentApiUnavailable() {
        failEverythingLeft(Failure.API_UNAVAILABLE, "not sent: Kaleyra was unavailable for an earlier batch of this file ("
                + run.apiUnavailable() + "); drop the failure file again later");
    }

    /** 429 or 5xx: try the same request again after a backoff, or give up when the attempts are spent. */
    public void onRetryable(KaleyraReply reply) {
        callEnded("retryable");
        lastReply = shown(reply);
        boolean mayHaveBeenProcessed = reply.getStatus() >= 500 && reply.getStatus() != 503;
        again(lastReply, reply.getRetryAfter(), mayHaveBeenProcessed);
    }

    /**
     * The call failed without a reply. When the request may have reached Kaleyra (a timeout, a connection closed
     * after sending, a reply cut off half-way), its senders' outcome is unknown: an "Already exist" for them later
     * means this call created them. Of a reply cut off half-way, the ids of the {@code data} entries that did arrive
     * are kept for the senders they name. When the reply was received, the failure is local (see {@link #afterReply})
     * and is thrown on: no call again.
     */
    public void onNoReply(Exception e) {
        if (replied) {
            throw afterReply(e);
        }
        NoReply none = NoReply.of(e, account.getApiKey());
        callEnded(none.outcome());
        if (e instanceof ReplyCutOffException cut) {
            unknown.cutOff(requests.current(), cut.arrived());
        }
        lastReply = none.why();
        again(none.why(), null, none.maybeDelivered());
    }

    /**
     * Any other reply (a 200 that is not 200 MSG106 with a data array, a reply too large, a redirect, a status
     * nobody planned for): the outcome is unknown. The records fail with the status and the start of the body; the
     * senders stay pending in the ledger, never created, so that the failure file dropped again sends them (and an
     * "Already exist" then means this call created them).
     */
    public void onUnexpected(KaleyraReply reply) {
        boolean redirect = reply.getStatus() >= 300 && reply.getStatus() < 400;
        callEnded(redirect ? "redirect" : "unexpected");
        lastReply = shown(reply);
        String what = redirect
                ? "HTTP " + reply.getStatus() + (reply.getLocation().isEmpty() ? " redirect" : " redirect to "
                        + Masking.hide(clipped(reply.getLocation()), account.getApiKey()))
                        + ": not followed (the api-key is never sent to another address); check "
                        + account.propertyPrefix() + ".base-url"
                : "unexpected reply from Kaleyra: " + lastReply;
        List<SenderRequest> senders = requests.current();
        unknown.addAll(senders);
        leaveUnresolved(senders);
        rows.failAll(senders, Failure.UNEXPECTED_RESPONSE, what + "; outcome unknown: the senders stay pending in the"
                + " ledger; drop the failure file again once the cause is fixed");
        requests.settled();
    }

    /** A reply's description as it may be shown: the account's api-key, should the reply echo it, masked. */
    private String shown(KaleyraReply reply) {
        return Masking.hide(reply.describe(), account.getApiKey());
    }

    /** A header's value as it may be shown: control characters out, at most 200 characters. */
    private static String clipped(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "").strip();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    /** The call in flight failed in a way worth another call: made after a backoff, or the batch gives up. */
    private void again(String why, String retryAfter, boolean maybeDelivered) {
        List<SenderRequest> senders = requests.current();
        if (maybeDelivered) {
            unknown.addAll(senders);
        }
        int attempts = requests.attemptsMade();
        if (retry.mayRetry(attempts)) {
            backoffMillis = retry.delayMillis(attempts, retryAfter);
            try (var file = MDC.putCloseable("senderFile", run.inputName());
                    var number = MDC.putCloseable("senderBatch", Integer.toString(batch.number()))) {
                LOG.warn("{} batch {}: call {} failed ({}); retrying in {} ms", run.inputName(), batch.number(),
                        attempts, why, backoffMillis);
            }
            requests.retry();
            return;
        }
        String message = "Kaleyra did not answer after " + attempts + " attempts (last: " + why
                + "); drop the failure file again later" + (unknown.contains(senders.get(0))
                ? " (a call may have created some: the ledger keeps them pending and tells at the next attempt)" : "");
        run.apiUnavailable(why);
        verdict.apiUnavailable(why);
        leaveUnresolved(unknown.among(senders.stream()));
        failEverythingLeft(Failure.API_UNAVAILABLE, message);
    }

    /**
     * A failure after Kaleyra's reply was received (writing a row on a full disk): a local fault, never a reason to
     * call again. What the reply said is in the ledger already; the file fails.
     */
    private RuntimeException afterReply(Exception e) {
        RuntimeException fault = e instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("failed after Kaleyra's reply was received: " + e, e);
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof LocalFaultException local) {
                fault = local;
                break;
            }
        }
        try {
            leaveUnsentUnresolved();
            ledger.flush();
        } catch (RuntimeException ledgerFault) {
            fault.addSuppressed(ledgerFault);
        }
        return fault;
    }

    /** Kaleyra's reply to the call in flight was received (or the call ended without one). */
    private void callEnded(String outcome) {
        replied = true;
        metrics.call(Duration.ofNanos(System.nanoTime() - callStartedNanos), outcome);
    }

    private void failEverythingLeft(String code, String message) {
        for (List<SenderRequest> senders : requests.drain()) {
            rows.failAll(senders, code, message);
        }
    }

    /**
     * Settles the ledger's calls of the batch unless an outcome stayed unknown, and logs the batch's one line; called
     * when the conversation is over (the batch's invalid records were written when it started).
     */
    public void close() {
        leaveUnsentUnresolved();
        if (!outcomeLeftUnknown) {
            ledger.callsSettled(callIds);
        }
        disown(!outcomeLeftUnknown);
        run.batchDone();
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        try (var file = MDC.putCloseable("senderFile", run.inputName());
                var number = MDC.putCloseable("senderBatch", Integer.toString(batch.number()))) {
            LOG.info("{} batch {}: {} valid, {} invalid -> {} succeeded, {} failed at or after sending, {} calls, {} ms{}",
                    run.inputName(), batch.number(), batch.valid().size(), batch.rejected().size(), rows.succeeded(),
                    rows.failed(), calls, millis, calls == 0 ? "" : " (last reply: " + lastReply + ")");
        }
        // nothing of the batch is needed any more: let its records go even if something still holds the conversation
        batch = new SenderBatch(batch.number(), List.of(), List.of());
        requests.clear();
        unknown.clear();
        deferred.clear();
        holders.clear();
    }

    /**
     * The batch ended on an error (a fault of this module or of this machine): its senders' outcome stays unknown,
     * and another instance (or a later run) that owns them next is told so.
     */
    public void abandoned() {
        try {
            disown(false);
        } catch (RuntimeException e) {
            // the ledger itself may be what failed: the release waits in the ledger for its next write
            LOG.debug("{} batch {}: its senders could not be released in the ledger yet ({}); they are at its next"
                    + " write", run.inputName(), batch.number(), e.getMessage());
        }
    }

    private void disown(boolean settled) {
        ownerships.forEach(id -> ledger.disown(id, settled));
        ownerships.clear();
    }

    /**
     * The file's processing was abandoned (or this batch failed) with requests still queued: those that an earlier
     * call may have created stay pending in the ledger (an "Already exist" for them later is then a success).
     */
    private void leaveUnsentUnresolved() {
        if (requests.isEmpty() || unknown.isEmpty()) {
            return;
        }
        leaveUnresolved(unknown.among(requests.waiting()));
    }

    /** These senders' outcome stays unknown: pending in the ledger, and the batch's calls are not settled. */
    private void leaveUnresolved(List<SenderRequest> senders) {
        if (!senders.isEmpty()) {
            outcomeLeftUnknown = true;
            ledger.leftUnresolved(account.sid(), run.inputName(), senders);
        }
    }
}
