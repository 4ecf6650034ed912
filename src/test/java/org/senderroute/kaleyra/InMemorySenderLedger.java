package org.senderroute.kaleyra;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.senderroute.domain.SenderRequest;
import org.senderroute.ledger.LedgerEntry;
import org.senderroute.ledger.SenderLedger;

/**
 * A sender ledger held in memory, for tests of the conversation: it keeps the state of each sender like the real
 * ledgers do, and the order in which it was told things ({@link #events()}).
 */
final class InMemorySenderLedger implements SenderLedger {

    private final Map<String, Map<String, LedgerEntry>> byAccount = new HashMap<>();
    private final Map<Long, List<String>> pendingCalls = new LinkedHashMap<>();
    private final Set<String> unresolved = new HashSet<>();
    private final List<String> events = new ArrayList<>();
    private long nextCall = 1;

    /** Records a sender as pending from an earlier call, as a crash or an earlier unknown outcome leaves it. */
    void pendingEarlier(String account, SenderRequest r) {
        entries(account).put(SenderLedger.key(r), new LedgerEntry(LedgerEntry.PENDING, "", "", "earlier.csv", Instant.now()));
    }

    /** Records a sender as created earlier. */
    void createdEarlier(String account, SenderRequest r, String id) {
        entries(account).put(SenderLedger.key(r), new LedgerEntry(LedgerEntry.CREATED, id, "MSG106", "earlier.csv",
                Instant.parse("2026-11-20T10:00:00Z")));
    }

    /** What the ledger was told, in order: "callStarted 2", "created 2", "rejected 1", "leftUnresolved 3", ... */
    List<String> events() {
        return events;
    }

    /** The keys of the senders told to stay pending ({@link #leftUnresolved}). */
    Set<String> unresolved() {
        return unresolved;
    }

    @Override
    public Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders) {
        Map<String, LedgerEntry> found = new HashMap<>();
        for (SenderRequest r : senders) {
            LedgerEntry e = entries(account).get(SenderLedger.key(r));
            if (e != null) {
                found.put(SenderLedger.key(r), e);
            }
        }
        return found;
    }

    @Override
    public long callStarted(String account, String file, Collection<SenderRequest> senders) {
        long call = nextCall++;
        events.add("callStarted " + senders.size());
        pendingCalls.put(call, senders.stream().map(SenderLedger::key).toList());
        for (SenderRequest r : senders) {
            entries(account).putIfAbsent(SenderLedger.key(r), new LedgerEntry(LedgerEntry.PENDING, "", "", file, Instant.now()));
        }
        return call;
    }

    @Override
    public void callsSettled(Collection<Long> calls) {
        events.add("callsSettled " + calls.size());
        calls.forEach(pendingCalls::remove);
    }

    @Override
    public void leftUnresolved(String account, String file, Collection<SenderRequest> senders) {
        events.add("leftUnresolved " + senders.size());
        senders.forEach(r -> unresolved.add(SenderLedger.key(r)));
    }

    @Override
    public void created(String account, String file, Map<SenderRequest, String> idBySender, String how) {
        if (!idBySender.isEmpty()) {
            events.add("created " + idBySender.size());
        }
        idBySender.forEach((r, id) -> entries(account).put(SenderLedger.key(r),
                new LedgerEntry(LedgerEntry.CREATED, id, how, file, Instant.now())));
    }

    @Override
    public void rejected(String account, String file, Map<SenderRequest, String> reasonBySender) {
        if (!reasonBySender.isEmpty()) {
            events.add("rejected " + reasonBySender.size());
        }
        reasonBySender.forEach((r, why) -> entries(account).put(SenderLedger.key(r),
                new LedgerEntry(LedgerEntry.REJECTED, "", why, file, Instant.now())));
    }

    @Override
    public void flush() {
        events.add("flush");
    }

    @Override
    public Map<String, LedgerEntry> all(String account) {
        return Map.copyOf(entries(account));
    }

    @Override
    public int pendingCalls() {
        return pendingCalls.size();
    }

    private Map<String, LedgerEntry> entries(String account) {
        return byAccount.computeIfAbsent(account, a -> new HashMap<>());
    }
}
