package org.senderroute.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's journal: one append-only file of {@link JournalLine lines}, never rewritten. A write is one
 * sequential append of whole lines (forced to the disk when so configured) and is done when this returns. Lines are
 * read back by offset, or all in order when the file is opened.
 * <p>
 * A crash in the middle of a write leaves at most an incomplete last line: it is cut off when the journal is read
 * through ({@link #replay}). Each line ends with its {@link LineChecksum}: a line damaged on the disk is skipped and
 * told, never read as something else ({@link JournalReplay}). While open, the journal is held by this instance
 * alone ({@link JournalLock}). One idea, the journal file, in one class.
 */
public final class LedgerJournal implements AutoCloseable {

    /** What reads the journal through when it is opened: each complete line, in order, then the end. */
    public interface Reader {

        /** A sound line of the journal, starting at this offset. */
        void line(long offset, JournalLine line);

        /** Every line was read. */
        default void replayed() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LedgerJournal.class);
    private static final int READ_CHUNK = 1 << 16;

    private final Path file;
    private final boolean fsync;
    private final boolean temporary;
    private final FileChannel channel;
    /** The journal held by this process alone, while open; null for a temporary journal. */
    private final JournalLock held;
    private final ReentrantLock appending = new ReentrantLock();
    private final AtomicBoolean damageSeen = new AtomicBoolean();
    private volatile long end;
    /** Lines from this offset on must end with their checksum (the lines before are of version 1, without one). */
    private volatile long checkedFrom;
    private boolean isNew;

    /** @param holder who holds the journal while it is open; null for a temporary journal, which nobody shares */
    private LedgerJournal(Path file, boolean fsync, String holder) throws IOException {
        this.file = file;
        this.fsync = fsync;
        this.temporary = holder == null;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.held = temporary ? null : JournalLock.take(file, holder);
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            if (held != null) {
                held.release();
            }
            throw e;
        }
    }

    /**
     * Opens the journal at this path (created, with its folder, when missing) for this process alone;
     * {@link #replay} reads it through.
     *
     * @param fsync whether every write is forced to the disk before it counts as done (it then survives a power
     *              loss, not only a crash of the process)
     * @throws JournalInUseException when another running process (or another application in this one) holds it
     */
    public static LedgerJournal open(Path file, boolean fsync) throws IOException {
        return open(file, fsync, "process " + ProcessHandle.current().pid());
    }

    /**
     * Opens the journal as {@link #open(Path, boolean)} does, held by the instance that {@code holder} describes
     * (written into its lock file, for a second instance to name it).
     */
    public static LedgerJournal open(Path file, boolean fsync, String holder) throws IOException {
        return new LedgerJournal(file, fsync, Objects.requireNonNull(holder, "holder"));
    }

    /** A journal in a temporary file, deleted when closed (the sandbox profile: it forgets, like the sandbox). */
    public static LedgerJournal temporary() throws IOException {
        return new LedgerJournal(Files.createTempFile("sender-ledger-", ".journal"), false, null);
    }

    public Path file() {
        return file;
    }

    /** Whether the journal held nothing when it was read through (it was just created, or empty). */
    public boolean isNew() {
        return isNew;
    }

    /**
     * Hands every sound line to the readers, in order, skips the damaged ones (one WARN names them), cuts off an
     * incomplete last line, and makes the journal ready for appends.
     *
     * @throws LedgerException naming the journal when it is refused: of a newer version, or not a journal at all
     */
    public void replay(Reader... readers) throws IOException {
        long size = channel.size();
        JournalReplay replay = new JournalReplay(file, readers);
        // while it is read through, the readers look only at lines it found sound, with or without a checksum
        checkedFrom = Long.MAX_VALUE;
        long complete = scan(size, replay);
        if (complete == 0) {
            if (size > 0 && !beginsAsHeader()) {
                throw notAJournal();
            }
            // new, or its first write (the header) was interrupted
            channel.truncate(0);
            byte[] header = JournalReplay.HEADER.getBytes(StandardCharsets.UTF_8);
            channel.write(ByteBuffer.wrap(header), 0);
            isNew = true;
            end = header.length;
            checkedFrom = 0;
            replayed(readers);
            return;
        }
        if (!replay.isJournal()) {
            throw notAJournal();
        }
        if (complete < size) {
            LOG.warn("Ledger journal {}: an incomplete last line ({} bytes, from an interrupted write) is cut off",
                    file, size - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        replay.warnAboutDamage(LOG);
        end = complete;
        checkedFrom = replay.checkedFrom(complete);
        replayed(readers);
    }

    private void replayed(Reader[] readers) {
        for (Reader reader : readers) {
            try {
                reader.replayed();
            } catch (LedgerException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new LedgerException("ledger journal " + file + ": " + e, e);
            }
        }
    }

    /** Whether the first bytes of the file are those of a journal's header (its first write, perhaps interrupted). */
    private boolean beginsAsHeader() throws IOException {
        byte[] start = JournalReplay.HEADER_START.getBytes(StandardCharsets.UTF_8);
        ByteBuffer read = ByteBuffer.allocate(start.length);
        while (read.hasRemaining() && channel.read(read, read.position()) > 0) {
            // until the header's length or the end of the file
        }
        return Arrays.equals(read.array(), 0, read.position(), start, 0, read.position());
    }

    private LedgerException notAJournal() {
        return new LedgerException("ledger journal " + file + " is not a ledger journal: it does not begin with the"
                + " journal's header and holds no journal line; it is left as it is", null);
    }

    /**
     * Appends the text (whole lines) in one write; {@code whileAppending} gets the offset where it starts and runs
     * before any other append, so that what it records (an index) follows the journal's order.
     */
    public void append(JournalText text, LongConsumer whileAppending) {
        ByteBuffer buffer = text.buffer();
        appending.lock();
        try {
            long base = end;
            while (buffer.hasRemaining()) {
                channel.write(buffer, base + buffer.position());
            }
            end = base + text.size();
            if (whileAppending != null) {
                whileAppending.accept(base);
            }
        } catch (IOException e) {
            throw failure(e);
        } finally {
            appending.unlock();
        }
        if (fsync) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw failure(e);
            }
        }
    }

    /** What {@link #scan} hands each complete line to: its bytes, without the newline. */
    @FunctionalInterface
    interface LineVisitor {
        void line(long offset, byte[] bytes, int from, int length);
    }

    /** Hands every sound line written so far, in order, to the reader (for reports and tests: it reads the whole file). */
    void readAll(Reader reader) {
        try {
            scan(end, (offset, bytes, from, length) -> {
                JournalLine line = decode(offset, bytes, from, length);
                if (line != null) {
                    reader.line(offset, line);
                }
            });
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Visits every complete line before {@code limit}; returns the offset just after the last complete line. */
    private long scan(long limit, LineVisitor visitor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
        long position = 0;
        long lineStart = 0;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
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
                    if (pending.size() > 0) {
                        pending.write(bytes, from, i - from);
                        byte[] line = pending.toByteArray();
                        pending.reset();
                        visitor.line(lineStart, line, 0, line.length);
                    } else {
                        visitor.line(lineStart, bytes, from, i - from);
                    }
                    lineStart = position + i + 1;
                    from = i + 1;
                }
            }
            pending.write(bytes, from, n - from);
            position += n;
        }
        return lineStart;
    }

    /**
     * The line starting at this offset, parsed, or null when it is not a journal line: one whose checksum no longer
     * matches (damaged since it was read at start-up: said once in a WARN) is not taken at its word.
     */
    JournalLine readLine(long offset) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (true) {
                int n = channel.read(buffer, offset + buffer.position());
                byte[] bytes = buffer.array();
                for (int i = buffer.position() - Math.max(n, 0); i < buffer.position(); i++) {
                    if (bytes[i] == '\n') {
                        JournalLine line = decode(offset, bytes, 0, i);
                        if (line == null && damageSeen.compareAndSet(false, true)) {
                            LOG.warn("The ledger journal {} has a line damaged since it was read at start (at byte {}):"
                                    + " what it recorded is taken as unknown", file, offset);
                        }
                        return line;
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
            throw failure(e);
        }
    }

    /** The journal line in these bytes, or null: a comment, a damaged line, or one without a checksum where one is due. */
    private JournalLine decode(long offset, byte[] bytes, int from, int length) {
        int content = LineChecksum.verifiedContent(bytes, from, length);
        if (content < 0) {
            if (offset >= checkedFrom) {
                return null;
            }
            content = length;
        }
        return JournalLine.parse(new String(bytes, from, content, StandardCharsets.UTF_8));
    }

    private LedgerException failure(IOException e) {
        return new LedgerException("ledger journal " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            channel.close();
            if (temporary) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.debug("closing the ledger journal: {}", e.toString());
        } finally {
            if (held != null) {
                held.release();
            }
        }
    }
}
