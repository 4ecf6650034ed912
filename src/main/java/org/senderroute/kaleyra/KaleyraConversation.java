package org.senderroute.kaleyra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.senderroute.batch.SenderBatch;
import org.senderroute.deliver.FileRun;
import org.senderroute.intake.LocalFaultException;
import org.senderroute.intake.SenderRequest;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.validate.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The calls that settle one batch. Kaleyra's call is all-or-nothing, so a batch may take several calls: the
 * entries a 400 MSG134 names fail and the rest are sent again; an over-capacity reply halves the request; a 429,
 * 5xx, timeout or dropped connection sends the same request again after a backoff. The conversation ends when
 * every record of the batch has an outcome, written to the file's run.
 */
public final class KaleyraConversation {

    public static final String PROPERTY = "kaleyraConversation";

    private static final Logger LOG = LoggerFactory.getLogger(KaleyraConversation.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String ALREADY_EXISTS = "already exist";
    private static final String LOST_REPLY = "created by an earlier call whose reply was lost";
    private static final String CUT_REPLY = "created by an earlier call whose reply was cut off";

    /** A request still to be made, and how many calls it already cost. */
    private record Pending(List<SenderRequest> senders, int attemptsMade) {
    }

    private SenderBatch batch;
    private final FileRun run;
    private final KaleyraAccount account;
    private final RetryPolicy retry;
    private final RunVerdict verdict;
    private final SenderLedger ledger;
    private final SenderMetrics metrics;
    private long callStartedNanos;
    /** Kaleyra's reply to the current call was received: whatever fails after that is not a lost reply. */
    private boolean replied;
    private final List<Long> callIds = new ArrayList<>();
    private boolean outcomeLeftUnknown;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Set<String> outcomeUnknown = new HashSet<>();
    /** Senders of a call whose reply was cut off: the Kaleyra id that arrived for each, or an empty string. */
    private final Map<String, String> cutOff = new java.util.HashMap<>();
    private final long startNanos = System.nanoTime();
    private Pending current;
    private long backoffMillis;
    private int calls;
    private int succeeded;
    private int failed;
    private String lastReply = "";

    KaleyraConversation(SenderBatch batch, FileRun run, KaleyraAccount account, RetryPolicy retry, RunVerdict verdict,
            SenderLedger ledger, SenderMetrics metrics) {
        this.metrics = metrics;
        this.batch = batch;
        this.run = run;
        this.account = account;
        this.retry = retry;
        this.verdict = verdict;
        this.ledger = ledger;
    }

    /**
     * Consults the ledger before anything is sent: a sender it records as created is a success row at once (never
     * sent twice); one still pending from an earlier call whose reply was lost is sent again, and an "Already
     * exist" for it will mean that earlier call created it.
     */
    void begin() {
        if (!batch.hasValid()) {
            return;
        }
        Map<String, LedgerEntry> known = ledger.lookup(account.sid(), batch.valid());
        List<SenderRequest> toSend = new ArrayList<>(batch.valid().size());
        for (SenderRequest r : batch.valid()) {
            LedgerEntry entry = known.isEmpty() ? null : known.get(SenderLedger.key(r));
            if (entry != null && entry.created()) {
                succeed(r, entry.kaleyraId(), "", "", "registered earlier by this module on " + entry.updatedAt()
                        + (entry.sourceFile().isEmpty() ? "" : " (from " + entry.sourceFile() + ")")
                        + (entry.kaleyraId().isEmpty() ? "; Kaleyra's id was not in its reply" : ""));
                continue;
            }
            if (entry != null && entry.pending()) {
                outcomeUnknown.add(SenderLedger.key(r));
            }
            toSend.add(r);
        }
        if (!toSend.isEmpty()) {
            queue.add(new Pending(toSend, 0));
            metrics.batchSent();
        }
    }

    /** For the loop in the route: whether another call is needed (none once the file's processing was abandoned). */
    public boolean isOpen() {
        return !queue.isEmpty() && run.abandoned() == null;
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

    /** Takes the next request off the queue and returns its JSON body {@code {"data":[...]}}. */
    public RequestBody nextRequestBody() {
        Pending next = queue.pollFirst();
        int cap = account.capacity();
        if (next.senders().size() > cap) {
            queue.addFirst(new Pending(next.senders().subList(cap, next.senders().size()), 0));
            next = new Pending(next.senders().subList(0, cap), next.attemptsMade());
        }
        current = new Pending(next.senders(), next.attemptsMade() + 1);
        replied = false;
        backoffMillis = 0;
        callIds.add(ledger.callStarted(account.sid(), run.inputName(), current.senders()));
        if (next.attemptsMade() > 0) {
            metrics.retried();
        }
        calls++;
        callStartedNanos = System.nanoTime();
        run.callMade();
        return body(current.senders());
    }

    /** For the reply's parser: how many senders the call in flight sent. */
    public int requestSize() {
        return current == null ? Integer.MAX_VALUE : current.senders().size();
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
        List<SenderRequest> senders = current.senders();
        List<KaleyraReply.Created> entries = matchByPosition(senders, reply.getCreated());
        Map<SenderRequest, String> ids = new java.util.HashMap<>();
        for (int i = 0; i < senders.size(); i++) {
            ids.put(senders.get(i), entries.get(i) == null ? "" : entries.get(i).id());
        }
        ledger.created(account.sid(), run.inputName(), ids, reply.getCode());
        for (int i = 0; i < senders.size(); i++) {
            KaleyraReply.Created entry = entries.get(i);
            if (entry == null) {
                succeed(senders.get(i), "", "", reply.getCode(), "accepted (" + shown(reply)
                        + ") but the reply lists no entry for this sender");
            } else {
                succeed(senders.get(i), entry.id(), entry.status(), entry.code(), entry.message());
            }
        }
        current = null;
    }

    /** The reply's entry for each sender: the one at the same position, or else the one naming the sender. */
    private static List<KaleyraReply.Created> matchByPosition(List<SenderRequest> senders, List<KaleyraReply.Created> created) {
        List<KaleyraReply.Created> matched = new ArrayList<>(senders.size());
        Map<String, KaleyraReply.Created> bySender = null;
        for (int i = 0; i < senders.size(); i++) {
            String sender = senders.get(i).sender();
            KaleyraReply.Created entry = i < created.size() ? created.get(i) : null;
            if (entry == null || !entry.sender().equalsIgnoreCase(sender)) {
                if (bySender == null) {
                    bySender = new java.util.HashMap<>();
                    for (KaleyraReply.Created c : created) {
                        bySender.putIfAbsent(c.sender().toUpperCase(Locale.ROOT), c);
                    }
                }
                entry = bySender.get(sender.toUpperCase(Locale.ROOT));
            }
            matched.add(entry);
        }
        return matched;
    }

    /**
     * 400 MSG134: nothing was created. The entries named by index fail with Kaleyra's message; the others go
     * back to the front of the queue as a new request. "Already exist" for a sender whose earlier call had an
     * unknown outcome means that call created it: a success, not a failure.
     */
    public void onEntriesRejected(KaleyraReply reply) {
        callEnded("entries-rejected");
        lastReply = shown(reply);
        List<SenderRequest> senders = current.senders();
        Map<Integer, String> named = reply.getRejectedEntries();
        boolean anyNamed = named.keySet().stream().anyMatch(i -> i >= 0 && i < senders.size());
        if (!anyNamed) {
            for (SenderRequest r : senders) {
                fail(r, new Failure(reply.getCode(), "Kaleyra rejected the request without naming entries: " + shown(reply)));
            }
            current = null;
            return;
        }
        List<SenderRequest> again = new ArrayList<>(senders.size());
        Map<SenderRequest, String> ours = new java.util.LinkedHashMap<>();
        Map<SenderRequest, String> rejected = new java.util.LinkedHashMap<>();
        for (int i = 0; i < senders.size(); i++) {
            SenderRequest r = senders.get(i);
            String why = named.get(i);
            if (why == null) {
                again.add(r);
            } else if (why.toLowerCase(Locale.ROOT).contains(ALREADY_EXISTS) && outcomeUnknown.contains(SenderLedger.key(r))) {
                ours.put(r, cutOff.getOrDefault(SenderLedger.key(r), ""));
            } else {
                rejected.put(r, why);
            }
        }
        ledger.created(account.sid(), run.inputName(), ours, LOST_REPLY);
        ledger.rejected(account.sid(), run.inputName(), rejected);
        String answer = "Kaleyra now answers: " + named.values().stream()
                .filter(m -> m.toLowerCase(Locale.ROOT).contains(ALREADY_EXISTS)).findFirst().orElse("");
        ours.forEach((r, id) -> succeed(r, id, "", "", ourEarlierCall(SenderLedger.key(r), id, answer)));
        rejected.forEach((r, why) -> fail(r, new Failure(reply.getCode(), why)));
        if (!again.isEmpty()) {
            queue.addFirst(new Pending(again, 0));
            metrics.resubmitted();
        }
        current = null;
    }

    /** 400 RBC192: the request was larger than the server takes; send it again in two halves. */
    public void onOverCapacity(KaleyraReply reply) {
        callEnded("over-capacity");
        lastReply = shown(reply);
        List<SenderRequest> senders = current.senders();
        if (senders.size() == 1) {
            fail(senders.get(0), new Failure(Failure.OVER_CAPACITY, "Kaleyra refused even a single sender as over capacity: "
                    + shown(reply)));
        } else {
            account.overCapacityAt(senders.size());
            int half = senders.size() / 2;
            queue.addFirst(new Pending(senders.subList(half, senders.size()), 0));
            queue.addFirst(new Pending(senders.subList(0, half), 0));
            metrics.resubmitted();
        }
        current = null;
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
     * after sending, a reply cut off half-way), its senders are remembered: an "Already exist" for them later means
     * this call created them. Of a reply cut off half-way, the ids of the {@code data} entries that did arrive are
     * kept for the senders they name. When the reply was received, the failure is local (see {@link #afterReply})
     * and is thrown on: no call again.
     */
    public void onNoReply(Exception e) {
        if (replied) {
            throw afterReply(e);
        }
        boolean timedOut = e instanceof CallTimeoutException || e.getCause() instanceof CallTimeoutException;
        callEnded(timedOut ? "call-timeout" : e instanceof ReplyCutOffException ? "cut-off" : "no-reply");
        boolean maybeDelivered = !(e instanceof java.net.ConnectException)
                && !(e instanceof java.net.UnknownHostException)
                && !(e.getClass().getSimpleName().contains("ConnectTimeout"))
                && !(e.getClass().getSimpleName().equals("HttpHostConnectException"));
        if (e instanceof ReplyCutOffException cut) {
            keepWhatArrived(cut.arrived());
        }
        String why = e instanceof ReplyCutOffException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        why = Masking.hide(why, account.getApiKey());
        lastReply = why;
        again(why, null, maybeDelivered);
    }

    /** The senders of the current call, each with the id its entry of the cut-off reply gave, if that arrived. */
    private void keepWhatArrived(List<KaleyraReply.Created> arrived) {
        List<SenderRequest> senders = current.senders();
        List<KaleyraReply.Created> entries = arrived.isEmpty() ? java.util.Collections.nCopies(senders.size(), null)
                : matchByPosition(senders, arrived);
        for (int i = 0; i < senders.size(); i++) {
            KaleyraReply.Created entry = entries.get(i);
            cutOff.merge(SenderLedger.key(senders.get(i)), entry == null ? "" : entry.id(), (had, now) -> now.isEmpty() ? had : now);
        }
    }

    /** The message of a success row for a sender created by an earlier call of this batch whose outcome was unknown. */
    private String ourEarlierCall(String key, String id, String answer) {
        if (!cutOff.containsKey(key)) {
            return LOST_REPLY + "; " + answer + " (its id is not known: Kaleyra gives no way to read a sender back)";
        }
        return CUT_REPLY + "; " + answer + (id.isEmpty()
                ? " (its id did not arrive, and Kaleyra gives no way to read a sender back)"
                : " (its id is from the part of that reply that arrived)");
    }

    /**
     * Any other reply (a 200 that is not 200 MSG106 with a data array, a reply too large, a redirect, a status
     * nobody planned for): the outcome is unknown. The records fail with the status and the start of the body; the
     * senders stay pending in the ledger, never created, so that the failure file dropped again sends them (and an
     * "Already exist" then means this call created them).
     */
    public void onUnexpected(KaleyraReply reply) {
        callEnded(reply.getStatus() >= 300 && reply.getStatus() < 400 ? "redirect" : "unexpected");
        lastReply = shown(reply);
        String what = reply.getStatus() >= 300 && reply.getStatus() < 400
                ? "HTTP " + reply.getStatus() + (reply.getLocation().isEmpty() ? " redirect" : " redirect to "
                        + Masking.hide(clipped(reply.getLocation()), account.getApiKey()))
                        + ": not followed (the api-key is never sent to another address); check "
                        + account.propertyPrefix() + ".base-url"
                : "unexpected reply from Kaleyra: " + lastReply;
        List<SenderRequest> senders = current.senders();
        senders.forEach(r -> outcomeUnknown.add(SenderLedger.key(r)));
        outcomeLeftUnknown = true;
        ledger.leftUnresolved(account.sid(), run.inputName(), senders);
        failEverything(senders, Failure.UNEXPECTED_RESPONSE, what + "; outcome unknown: the senders stay pending in the"
                + " ledger; drop the failure file again once the cause is fixed");
        current = null;
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

    private void again(String why, String retryAfter, boolean maybeDelivered) {
        if (maybeDelivered) {
            for (SenderRequest r : current.senders()) {
                outcomeUnknown.add(SenderLedger.key(r));
            }
        }
        if (retry.mayRetry(current.attemptsMade())) {
            backoffMillis = retry.delayMillis(current.attemptsMade(), retryAfter);
            try (var file = MDC.putCloseable("senderFile", run.inputName());
                    var number = MDC.putCloseable("senderBatch", Integer.toString(batch.number()))) {
                LOG.warn("{} batch {}: call {} failed ({}); retrying in {} ms", run.inputName(), batch.number(),
                        current.attemptsMade(), why, backoffMillis);
            }
            queue.addFirst(current);
        } else {
            String message = "Kaleyra did not answer after " + current.attemptsMade() + " attempts (last: " + why
                    + "); drop the failure file again later" + (outcomeUnknown.contains(SenderLedger.key(current.senders().get(0)))
                    ? " (a call may have created some: the ledger keeps them pending and tells at the next attempt)" : "");
            run.apiUnavailable(why);
            verdict.apiUnavailable(why);
            List<SenderRequest> unknown = current.senders().stream().filter(r -> outcomeUnknown.contains(SenderLedger.key(r))).toList();
            if (!unknown.isEmpty()) {
                outcomeLeftUnknown = true;
                ledger.leftUnresolved(account.sid(), run.inputName(), unknown);
            }
            failEverythingLeft(Failure.API_UNAVAILABLE, message);
        }
        current = null;
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

    private void callEnded(String outcome) {
        replied = true;
        metrics.call(java.time.Duration.ofNanos(System.nanoTime() - callStartedNanos), outcome);
    }

    private void failEverythingLeft(String code, String message) {
        if (current != null) {
            failEverything(current.senders(), code, message);
            current = null;
        }
        while (!queue.isEmpty()) {
            failEverything(queue.pollFirst().senders(), code, message);
        }
    }

    private void failEverything(List<SenderRequest> senders, String code, String message) {
        Failure failure = new Failure(code, message);
        for (SenderRequest r : senders) {
            fail(r, failure);
        }
    }

    private void succeed(SenderRequest r, String id, String status, String code, String message) {
        run.succeeded(r, id, status, code, message);
        succeeded++;
    }

    private void fail(SenderRequest r, Failure failure) {
        run.failed(r, failure);
        failed++;
    }

    /** Writes the batch's invalid records and logs the batch's one line; called when the conversation is over. */
    public void close() {
        leaveUnsentUnresolved();
        if (!outcomeLeftUnknown) {
            ledger.callsSettled(callIds);
        }
        run.batchDone();
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        try (var file = MDC.putCloseable("senderFile", run.inputName());
                var number = MDC.putCloseable("senderBatch", Integer.toString(batch.number()))) {
            LOG.info("{} batch {}: {} valid, {} invalid -> {} succeeded, {} failed at or after sending, {} calls, {} ms{}",
                    run.inputName(), batch.number(), batch.valid().size(), batch.rejected().size(), succeeded, failed, calls,
                    millis, calls == 0 ? "" : " (last reply: " + lastReply + ")");
        }
        // nothing of the batch is needed any more: let its records go even if something still holds the conversation
        batch = new SenderBatch(batch.number(), List.of(), List.of());
        queue.clear();
        outcomeUnknown.clear();
        cutOff.clear();
        current = null;
    }

    /**
     * The file's processing was abandoned (or this batch failed) with requests still queued: those that an earlier
     * call may have created stay pending in the ledger (an "Already exist" for them later is then a success).
     */
    private void leaveUnsentUnresolved() {
        if (queue.isEmpty() || outcomeUnknown.isEmpty()) {
            return;
        }
        List<SenderRequest> unknown = queue.stream().flatMap(p -> p.senders().stream())
                .filter(r -> outcomeUnknown.contains(SenderLedger.key(r))).toList();
        if (!unknown.isEmpty()) {
            outcomeLeftUnknown = true;
            ledger.leftUnresolved(account.sid(), run.inputName(), unknown);
        }
    }

    private static RequestBody body(List<SenderRequest> senders) {
        RequestBody.Writer out = new RequestBody.Writer();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (SenderRequest r : senders) {
                json.writeStartObject();
                json.writeStringField("sender", r.sender());
                json.writeStringField("description", r.description());
                json.writeStringField("iso_code", r.isoCode());
                if (r.entityId() != null) {
                    json.writeStringField("entity_id", r.entityId());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.body();
    }
}
