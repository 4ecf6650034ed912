package org.senderroute.sandbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The senders held for the sandbox's account. The duplicate check and the creation of a whole request happen
 * under one lock, so concurrent requests can never create the same sender twice.
 */
final class SenderRegistry {

    static final long FIRST_ID = 60001L;
    static final String PRE_REGISTERED_DESCRIPTION = "Pre-registered in the sandbox";

    private final Object lock = new Object();
    private final Clock clock;
    private final List<RegisteredSender> senders = new ArrayList<>();
    private final Map<String, RegisteredSender> byKey = new HashMap<>();
    private long nextId = FIRST_ID;
    private int createdCount;

    SenderRegistry(Clock clock) {
        this.clock = clock;
    }

    /** Outcome of {@link #createAll}: either the created senders or the faults keyed by request index. */
    record Outcome(List<RegisteredSender> created, SortedMap<Integer, Map<String, String>> faults) {
        boolean succeeded() {
            return faults.isEmpty();
        }
    }

    void preRegister(PreRegisteredSender p) {
        synchronized (lock) {
            String key = SenderEntry.keyOf(p.isoCode(), p.sender());
            if (!byKey.containsKey(key)) {
                hold(key, new RegisteredSender(nextId++, p.sender(), p.isoCode(), null, PRE_REGISTERED_DESCRIPTION,
                        clock.instant(), true));
            }
        }
    }

    /** Creates every entry, or none of them when any entry has a fault (its own or "already exists"). */
    Outcome createAll(List<SenderEntry> entries) {
        synchronized (lock) {
            SortedMap<Integer, Map<String, String>> faults = new TreeMap<>();
            Set<String> seenInRequest = new HashSet<>();
            for (SenderEntry entry : entries) {
                Map<String, String> entryFaults = new LinkedHashMap<>();
                if (entry.comparable()) {
                    String key = entry.key();
                    boolean firstInRequest = seenInRequest.add(key);
                    if (byKey.containsKey(key) || !firstInRequest) {
                        entryFaults.put(KaleyraMessages.FIELD_SENDER, KaleyraMessages.SENDER_EXISTS);
                    }
                }
                entryFaults.putAll(entry.faults());
                if (!entryFaults.isEmpty()) {
                    faults.put(entry.index(), Collections.unmodifiableMap(entryFaults));
                }
            }
            if (!faults.isEmpty()) {
                return new Outcome(List.of(), Collections.unmodifiableSortedMap(faults));
            }
            List<RegisteredSender> created = new ArrayList<>(entries.size());
            for (SenderEntry entry : entries) {
                RegisteredSender sender = new RegisteredSender(nextId++, entry.sender(), entry.isoCode(),
                        entry.entityId(), entry.description(), clock.instant(), false);
                hold(entry.key(), sender);
                created.add(sender);
            }
            createdCount += created.size();
            return new Outcome(List.copyOf(created), Collections.emptySortedMap());
        }
    }

    private void hold(String key, RegisteredSender sender) {
        senders.add(sender);
        byKey.put(key, sender);
    }

    List<RegisteredSender> all() {
        synchronized (lock) {
            return List.copyOf(senders);
        }
    }

    Optional<RegisteredSender> find(String isoCode, String sender) {
        if (isoCode == null || sender == null) {
            return Optional.empty();
        }
        synchronized (lock) {
            return Optional.ofNullable(byKey.get(SenderEntry.keyOf(isoCode.strip(), sender)));
        }
    }

    int createdCount() {
        synchronized (lock) {
            return createdCount;
        }
    }

    /** Forgets every sender created through the API; pre-registered senders stay. Ids keep increasing. */
    void forgetCreated() {
        synchronized (lock) {
            senders.removeIf(s -> !s.preRegistered());
            byKey.values().removeIf(s -> !s.preRegistered());
            createdCount = 0;
        }
    }
}
