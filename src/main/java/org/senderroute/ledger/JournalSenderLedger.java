package org.senderroute.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.senderroute.intake.SenderFingerprint;
import org.senderroute.intake.SenderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender ledger as one append-only file, the journal (see {@link JournalLine} for its lines): a call's pending
 * line is written, and forced to disk, before the call leaves; its outcomes and its settlement are appended when the
 * reply is known. Nothing is ever rewritten, so a call costs one or two sequential writes whatever its size. Which
 * line holds a sender's latest outcome is kept in memory ({@link JournalIndex}, rebuilt by reading the journal at
 * start-up); looking a batch up reads the disk only for senders recorded before.
 * <p>
 * A crash in the middle of a write leaves at most one incomplete last line: it is cut off at the next start, and
 * the call it belonged to stays pending.
 */
public final class JournalSenderLedger implements SenderLedger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSenderLedger.class);
    private static final String HEADER = "# kaleyra-sender-route sender journal, version 1\n";
    private static final int READ_CHUNK = 1 << 16;

    private final Path file;
    private final boolean fsync;
    private final boolean temporary;
    private final FileChannel channel;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final JournalIndex index = new JournalIndex();
    /** Calls recorded as started and not settled: those of this run in flight, and those an earlier run left. */
    private final Set<Long> openCalls = ConcurrentHashMap.newKeySet();
    /** account|key of every sender whose call's outcome is still unknown (from earlier runs, or given up on). */
    private final UnresolvedSenders unresolved = new UnresolvedSenders();
    private long end;
    private long nextCall = 1;

    private JournalSenderLedger(Path file, boolean fsync, boolean temporary) throws IOException {
        this.file = file;
        this.fsync = fsync;
        this.temporary = temporary;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Opens the journal at this path (created when missing) and reads it through.
     *
     * @param fsync whether every write is forced to the disk before it is taken as done (survives a power loss, not
     *              only a crash of the process)
     */
    public static JournalSenderLedger open(Path file, boolean fsync) throws IOException {
        JournalSenderLedger ledger = new JournalSenderLedger(file, fsync, false);
        ledger.replay();
        return ledger;
    }

    /** A journal in a temporary file, deleted when closed (the sandbox profile: it forgets, like the sandbox). */
    public static JournalSenderLedger temporary() throws IOException {
        JournalSenderLedger ledger = new JournalSenderLedger(Files.createTempFile("sender-journal-", ".journal"), false, true);
        ledger.replay();
        return ledger;
    }

    public Path file() {
        return file;
    }

    @Override
    public Map<String, LedgerEntry> lookup(String account, List<SenderRequest> senders) {
        Map<String, LedgerEntry> found = new HashMap<>();
        lock.readLock().lock();
        try {
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
        for (SenderRequest r : senders) {
            LedgerEntry pending = unresolved.get(account, SenderLedger.key(r));
            if (pending != null) {
                found.putIfAbsent(SenderLedger.key(r), pending);
            }
        }
        return found;
    }

    /** The line with the sender's latest outcome, or null. */
    private JournalLine latest(String account, String key) {
        JournalLine[] read = new JournalLine[1];
        long at = index.find(SenderFingerprint.of(account, key), offset -> {
            read[0] = readLine(offset);
            return read[0] != null && read[0].isAbout(account, key);
        });
        return at < 0 ? null : read[0];
    }

    @Override
    public long callStarted(String account, String file, Collection<SenderRequest> senders) {
        long call;
        lock.writeLock().lock();
        try {
            call = nextCall++;
        } finally {
            lock.writeLock().unlock();
        }
        JournalText text = new JournalText(64 + senders.size() * 16);
        text.line(JournalLine.PENDING);
        text.field(call).field(account).field(System.currentTimeMillis()).field(nullToEmpty(file));
        for (SenderRequest r : senders) {
            text.field(SenderLedger.key(r));
        }
        text.end();
        openCalls.add(call);
        append(text, null, null, null);
        return call;
    }

    @Override
    public void callsSettled(Collection<Long> calls) {
        if (calls.isEmpty()) {
            return;
        }
        append(settlements(calls), null, null, null);
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

    /**
     * Appends the text in one write (forced to disk when so configured); when {@code keys} are given, the line
     * starting at {@code starts[i]} is the latest outcome of {@code keys.get(i)} and the index says so.
     */
    private void append(JournalText text, String account, List<String> keys, int[] starts) {
        ByteBuffer buffer = text.buffer();
        lock.writeLock().lock();
        try {
            long base = end;
            while (buffer.hasRemaining()) {
                channel.write(buffer, base + buffer.position());
            }
            end = base + text.size();
            if (keys != null) {
                for (int i = 0; i < starts.length; i++) {
                    String key = keys.get(i);
                    index.put(SenderFingerprint.of(account, key), base + starts[i], o -> {
                        JournalLine there = readLine(o);
                        return there != null && there.isAbout(account, key);
                    });
                }
            }
        } catch (IOException e) {
            throw new LedgerException("sender journal " + file + ": " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
        if (fsync) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new LedgerException("sender journal " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Each line is written as it comes: nothing waits in memory. */
    @Override
    public void flush() {
    }

    @Override
    public Map<String, LedgerEntry> all(String account) {
        Map<String, LedgerEntry> all = new HashMap<>();
        lock.readLock().lock();
        try {
            scan(end, (offset, text) -> {
                JournalLine line = JournalLine.parse(text);
                if (line != null && (line.kind() == JournalLine.CREATED || line.kind() == JournalLine.REJECTED)
                        && line.field(0).equals(account)) {
                    all.put(line.field(1), line.entry());
                }
            });
        } catch (IOException e) {
            throw new LedgerException("sender journal " + file + ": " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
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
            return index.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            if (temporary) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.debug("closing the sender journal: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** Reads the journal through: the index, the calls left pending, and the end of its last complete line. */
    private void replay() throws IOException {
        long size = channel.size();
        if (size == 0) {
            channel.write(ByteBuffer.wrap(HEADER.getBytes(StandardCharsets.UTF_8)), 0);
            end = HEADER.length();
            return;
        }
        Map<Long, Long> pendingAt = new HashMap<>();
        long[] damaged = {0};
        long[] maxCall = {0};
        long complete = scan(size, (offset, text) -> {
            JournalLine line = text.startsWith("#") ? null : JournalLine.parse(text);
            if (line == null) {
                if (!text.startsWith("#")) {
                    damaged[0]++;
                }
                return;
            }
            switch (line.kind()) {
                case JournalLine.PENDING -> {
                    pendingAt.put(line.call(), offset);
                    maxCall[0] = Math.max(maxCall[0], line.call());
                }
                case JournalLine.SETTLED -> pendingAt.remove(line.call());
                default -> {
                    String account = line.field(0);
                    String key = line.field(1);
                    index.put(SenderFingerprint.of(account, key), offset, o -> {
                        JournalLine there = readLine(o);
                        return there != null && there.isAbout(account, key);
                    });
                }
            }
        });
        if (complete < size) {
            LOG.warn("Sender journal {}: an incomplete last line ({} bytes, from an interrupted write) is cut off",
                    file, size - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        if (damaged[0] > 0) {
            LOG.warn("Sender journal {}: {} damaged lines skipped", file, damaged[0]);
        }
        end = complete;
        nextCall = maxCall[0] + 1;
        List<Long> settledNow = new ArrayList<>();
        for (Map.Entry<Long, Long> call : pendingAt.entrySet()) {
            JournalLine line = readLine(call.getValue());
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
        if (!settledNow.isEmpty()) {
            append(settlements(settledNow), null, null, null);
        }
        LOG.info("Sender journal {}: {} senders recorded, {} calls pending with {} senders of unknown outcome", file,
                index.size(), openCalls.size(), unresolved.size());
    }

    @FunctionalInterface
    private interface LineVisitor {
        void line(long offset, String text);
    }

    /** Visits every complete line before {@code limit}; returns the offset just after the last complete line. */
    private long scan(long limit, LineVisitor visitor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        long position = 0;
        long lineStart = 0;
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        while (position < limit) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), limit - position));
            int n = channel.read(buffer, position);
            if (n <= 0) {
                break;
            }
            byte[] bytes = buffer.array();
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    String text;
                    if (pending.size() > 0) {
                        pending.write(bytes, from, i - from);
                        text = pending.toString(StandardCharsets.UTF_8);
                        pending.reset();
                    } else {
                        text = new String(bytes, from, i - from, StandardCharsets.UTF_8);
                    }
                    visitor.line(lineStart, text);
                    lineStart = position + i + 1;
                    from = i + 1;
                }
            }
            pending.write(bytes, from, n - from);
            position += n;
        }
        return lineStart;
    }

    /** The line starting at this offset, parsed (null when it is not a journal line). */
    private JournalLine readLine(long offset) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (true) {
                int n = channel.read(buffer, offset + buffer.position());
                byte[] bytes = buffer.array();
                for (int i = buffer.position() - Math.max(n, 0); i < buffer.position(); i++) {
                    if (bytes[i] == '\n') {
                        return JournalLine.parse(new String(bytes, 0, i, StandardCharsets.UTF_8));
                    }
                }
                if (n <= 0) {
                    return null;
                }
                if (!buffer.hasRemaining()) {
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
                }
            }
        } catch (IOException e) {
            throw new LedgerException("sender journal " + file + ": " + e.getMessage(), e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
