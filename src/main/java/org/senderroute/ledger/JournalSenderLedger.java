package org.senderroute.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.camel.support.service.ServiceSupport;
import org.senderroute.domain.SenderRequest;
import org.senderroute.support.SenderFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender ledger in the {@link LedgerJournal}: a call's pending line is written, and forced to disk, before the
 * call leaves; its outcomes and its settlement are appended when the reply is known. A call costs two or three
 * sequential writes whatever its size. Which line holds a sender's latest outcome is indexed off the heap
 * ({@link JournalIndex}, rebuilt when the journal is read at start-up); looking a batch up reads the disk only for
 * senders recorded before. Its length is each step of the {@link SenderLedger} contract written as journal lines, one
 * idea, and stays in one class.
 * <p>
 * A Camel service: started, it reads the journal through (with the readers it is given, such as the file ledger);
 * stopped, after the routes, it closes the index and the journal.
 */
public final class JournalSenderLedger extends ServiceSupport implements SenderLedger, LedgerJournal.Reader {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSenderLedger.class);

    private final LedgerJournal journal;
    private final LedgerJournal.Reader[] alsoReading;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final JournalIndex index;
    private boolean closed;
    /** Calls recorded as started and not settled: those of this run in flight, and those an earlier run left. */
    private final Set<Long> openCalls = ConcurrentHashMap.newKeySet();
    private final UnresolvedSenders unresolved = new UnresolvedSenders();
    /** Which batch sends each sender now: two files in flight may carry the same one. */
    private final LocalSenderOwners owners = new LocalSenderOwners();
    /** While the journal is read: where each call not settled (yet) starts. */
    private Map<Long, Long> pendingAt = new HashMap<>();
    private long nextCall = 1;

    /**
     * The sender ledger on this journal; the journal must then be read through with it: {@link #start()}, or
     * {@link LedgerJournal#replay}.
     *
     * @param scratchDir  where the index is kept (a scratch file, deleted when the ledger is closed)
     * @param alsoReading what reads the journal through with it at start
     */
    public JournalSenderLedger(LedgerJournal journal, Path scratchDir, LedgerJournal.Reader... alsoReading) {
        this.journal = journal;
        this.alsoReading = alsoReading;
        this.index = new JournalIndex(scratchDir);
    }

    /** Reads the journal through; a journal that cannot be read stops start-up, named. */
    @Override
    protected void doStart() {
        LedgerJournal.Reader[] readers = new LedgerJournal.Reader[alsoReading.length + 1];
        readers[0] = this;
        System.arraycopy(alsoReading, 0, readers, 1, alsoReading.length);
        try {
            journal.replay(readers);
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalArgumentException("the ledger journal " + journal.file() + " (sender.ledger.journal) cannot be "
                    + "read: " + (e instanceof LedgerException ? e.getMessage() : e.toString()), e);
        }
    }

    @Override
    protected void doStop() {
        close();
    }

    /** Closed also when Camel shuts down without having started it (a start-up stopped by a later setting). */
    @Override
    protected void doShutdown() {
        close();
    }

    /** Opens the journal at this path for the senders alone, read through (for tests and tools). */
    public static JournalSenderLedger open(Path file, boolean fsync) throws IOException {
        LedgerJournal journal = LedgerJournal.open(file, fsync);
        JournalSenderLedger ledger = new JournalSenderLedger(journal, file.toAbsolutePath().getParent());
        journal.replay(ledger);
        return ledger;
    }

    @Override
    public Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders) {
        Map<String, LedgerEntry> found = new HashMap<>();
        lock.readLock().lock();
        try {
            requireOpen();
            for (SenderRequest r : senders) {
                String key = SenderLedger.key(r);
                JournalLine line = latest(account, key);
                if (line != null) {
                    found.put(key, line.entry());
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        if (unresolved.size() > 0) {
            for (SenderRequest r : senders) {
                String key = SenderLedger.key(r);
                LedgerEntry pending = unresolved.get(account, key);
                if (pending != null) {
                    found.putIfAbsent(key, pending);
                }
            }
        }
        return found;
    }

    /** The line with the sender's latest outcome, or null. */
    private JournalLine latest(String account, String key) {
        long fingerprint = SenderFingerprint.of(account, key);
        if (!index.mayHave(fingerprint)) {
            return null;
        }
        JournalLine[] read = new JournalLine[1];
        long at = index.find(fingerprint, offset -> {
            read[0] = journal.readLine(offset);
            return read[0] != null && read[0].isAbout(account, key);
        });
        return at < 0 ? null : read[0];
    }

    @Override
    public long callStarted(String account, String file, Collection<SenderRequest> senders) {
        long call;
        synchronized (this) {
            call = nextCall++;
        }
        JournalText text = new JournalText(64 + senders.size() * 16);
        text.line(JournalLine.PENDING);
        text.field(call).field(account).field(System.currentTimeMillis()).field(nullToEmpty(file));
        for (SenderRequest r : senders) {
            text.field(SenderLedger.key(r));
        }
        text.end();
        openCalls.add(call);
        journal.append(text, null);
        return call;
    }

    @Override
    public void callsSettled(Collection<Long> calls) {
        if (calls.isEmpty()) {
            return;
        }
        journal.append(settlements(calls), null);
        openCalls.removeAll(calls);
    }

    private static JournalText settlements(Collection<Long> calls) {
        JournalText text = new JournalText(calls.size() * 16);
        for (long call : calls) {
            text.line(JournalLine.SETTLED);
            text.field(call).end();
        }
        return text;
    }

    @Override
    public void leftUnresolved(String account, String file, Collection<SenderRequest> senders) {
        LedgerEntry pending = new LedgerEntry(LedgerEntry.PENDING, "", "sent, outcome unknown", nullToEmpty(file), Instant.now());
        for (SenderRequest r : senders) {
            unresolved.add(account, SenderLedger.key(r), pending);
        }
    }

    @Override
    public void created(String account, String file, Map<SenderRequest, String> idBySender, String how) {
        long at = System.currentTimeMillis();
        settle(account, idBySender.keySet(), (text, r, key) -> text.field(account).field(key).field(at).field(nullToEmpty(file))
                .field(nullToEmpty(idBySender.get(r))).field(nullToEmpty(how)), JournalLine.CREATED);
    }

    @Override
    public void rejected(String account, String file, Map<SenderRequest, String> reasonBySender) {
        long at = System.currentTimeMillis();
        settle(account, reasonBySender.keySet(), (text, r, key) -> text.field(account).field(key).field(at)
                .field(nullToEmpty(file)).field(nullToEmpty(reasonBySender.get(r))), JournalLine.REJECTED);
    }

    @FunctionalInterface
    private interface Fields {
        void write(JournalText text, SenderRequest r, String key);
    }

    private void settle(String account, Collection<SenderRequest> senders, Fields fields, char kind) {
        if (senders.isEmpty()) {
            return;
        }
        JournalText text = new JournalText(senders.size() * 96);
        int[] starts = new int[senders.size()];
        List<String> keys = new ArrayList<>(senders.size());
        int i = 0;
        for (SenderRequest r : senders) {
            String key = SenderLedger.key(r);
            keys.add(key);
            starts[i++] = text.line(kind);
            fields.write(text, r, key);
            text.end();
        }
        append(text, account, keys, starts);
        unresolved.forget(account, keys);
    }

    /** Appends the lines; the index then says that the line at {@code starts[i]} is the latest of {@code keys.get(i)}. */
    private void append(JournalText text, String account, List<String> keys, int[] starts) {
        journal.append(text, base -> {
            lock.writeLock().lock();
            try {
                requireOpen();
                for (int i = 0; i < starts.length; i++) {
                    index(account, keys.get(i), base + starts[i]);
                }
            } finally {
                lock.writeLock().unlock();
            }
        });
    }

    private void index(String account, String key, long offset) {
        index.put(SenderFingerprint.of(account, key), offset, o -> {
            JournalLine there = journal.readLine(o);
            return there != null && there.isAbout(account, key);
        });
    }

    /**
     * Makes the batch the owner of those senders no other batch of this instance is sending; the others are busy
     * until that batch is over ({@link LocalSenderOwners}). Only this instance writes the journal.
     */
    @Override
    public SenderOwnership own(String account, Collection<SenderRequest> senders) {
        return owners.own(account, senders);
    }

    /** The batch is over: its outcomes are in the journal already (each line is written as it comes). */
    @Override
    public void disown(long ownership, boolean settled) {
        owners.disown(ownership, settled);
    }

    /** Each line is written as it comes: nothing waits in memory. */
    @Override
    public void flush() {
    }

    @Override
    public Map<String, LedgerEntry> all(String account) {
        Map<String, LedgerEntry> all = new HashMap<>();
        journal.readAll((offset, line) -> {
            if ((line.kind() == JournalLine.CREATED || line.kind() == JournalLine.REJECTED)
                    && line.field(0).equals(account)) {
                all.put(line.field(1), line.entry());
            }
        });
        unresolved.addTo(all, account);
        return all;
    }

    @Override
    public int pendingCalls() {
        return openCalls.size();
    }

    /** How many senders have an outcome in the journal. */
    public int senders() {
        lock.readLock().lock();
        try {
            requireOpen();
            return index.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Closes the index and the journal: a call still running after this fails on the ledger, so it sends nothing. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                index.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
        journal.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new LedgerException("the sender ledger is closed (the application is stopping)", null);
        }
    }

    // ------------------------------------------------------------------------------------------- reading through

    @Override
    public void line(long offset, JournalLine line) {
        switch (line.kind()) {
            case JournalLine.PENDING -> {
                pendingAt.put(line.call(), offset);
                nextCall = Math.max(nextCall, line.call() + 1);
            }
            case JournalLine.SETTLED -> pendingAt.remove(line.call());
            case JournalLine.CREATED, JournalLine.REJECTED -> index(line.field(0), line.field(1), offset);
            default -> {
                // another ledger's line
            }
        }
    }

    /**
     * The calls left pending by an earlier run: their senders without an outcome since are "pending"; a call whose
     * senders all have one now is settled.
     */
    @Override
    public void replayed() {
        List<Long> settledNow = new ArrayList<>();
        for (Map.Entry<Long, Long> call : pendingAt.entrySet()) {
            JournalLine line = journal.readLine(call.getValue());
            if (line == null) {
                continue;
            }
            String account = line.field(1);
            LedgerEntry pending = new LedgerEntry(LedgerEntry.PENDING, "", "sent, outcome unknown", line.field(3),
                    Instant.ofEpochMilli(Long.parseLong(line.field(2))));
            boolean anyUnknown = false;
            for (String key : line.pendingKeys()) {
                if (latest(account, key) == null) {
                    unresolved.add(account, key, pending);
                    anyUnknown = true;
                }
            }
            if (anyUnknown) {
                openCalls.add(call.getKey());
            } else {
                settledNow.add(call.getKey());
            }
        }
        pendingAt = null;
        if (!settledNow.isEmpty()) {
            journal.append(settlements(settledNow), null);
        }
        LOG.info("Sender ledger: {} senders recorded, {} calls pending with {} senders of unknown outcome", index.size(),
                openCalls.size(), unresolved.size());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
