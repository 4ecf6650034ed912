package org.senderroute.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * through ({@link #replay}).
 */
public final class LedgerJournal implements AutoCloseable {

    /** What reads the journal through when it is opened: each complete line, in order, then the end. */
    public interface Reader {

        /** A line of the journal (null when it is damaged or a comment), starting at this offset. */
        void line(long offset, JournalLine line);

        /** Every line was read. */
        default void replayed() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LedgerJournal.class);
    private static final String HEADER = "# kaleyra-sender-route ledger journal, version 1\n";
    private static final int READ_CHUNK = 1 << 16;

    private final Path file;
    private final boolean fsync;
    private final boolean temporary;
    private final FileChannel channel;
    private final ReentrantLock appending = new ReentrantLock();
    private volatile long end;

    private LedgerJournal(Path file, boolean fsync, boolean temporary) throws IOException {
        this.file = file;
        this.fsync = fsync;
        this.temporary = temporary;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Opens the journal at this path (created, with its folder, when missing); {@link #replay} reads it through.
     *
     * @param fsync whether every write is forced to the disk before it counts as done (it then survives a power
     *              loss, not only a crash of the process)
     */
    public static LedgerJournal open(Path file, boolean fsync) throws IOException {
        return new LedgerJournal(file, fsync, false);
    }

    /** A journal in a temporary file, deleted when closed (the sandbox profile: it forgets, like the sandbox). */
    public static LedgerJournal temporary() throws IOException {
        return new LedgerJournal(Files.createTempFile("sender-ledger-", ".journal"), false, true);
    }

    public Path file() {
        return file;
    }

    /**
     * Hands every complete line to the readers, in order, cuts off an incomplete last line, and makes the journal
     * ready for appends.
     */
    public void replay(Reader... readers) throws IOException {
        long size = channel.size();
        if (size == 0) {
            channel.write(ByteBuffer.wrap(HEADER.getBytes(StandardCharsets.UTF_8)), 0);
            end = HEADER.length();
            for (Reader reader : readers) {
                reader.replayed();
            }
            return;
        }
        long[] damaged = {0};
        long complete = scan(size, (offset, text) -> {
            JournalLine line = text.startsWith("#") || text.isEmpty() ? null : JournalLine.parse(text);
            if (line == null && !text.startsWith("#") && !text.isEmpty()) {
                damaged[0]++;
            }
            if (line != null) {
                for (Reader reader : readers) {
                    reader.line(offset, line);
                }
            }
        });
        if (complete < size) {
            LOG.warn("Ledger journal {}: an incomplete last line ({} bytes, from an interrupted write) is cut off",
                    file, size - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        if (damaged[0] > 0) {
            LOG.warn("Ledger journal {}: {} damaged lines skipped", file, damaged[0]);
        }
        end = complete;
        for (Reader reader : readers) {
            reader.replayed();
        }
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

    @FunctionalInterface
    interface TextVisitor {
        void line(long offset, String text);
    }

    /** Visits every line written so far, in order (for reports and tests: it reads the whole file). */
    void readAll(TextVisitor visitor) {
        try {
            scan(end, visitor);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Visits every complete line before {@code limit}; returns the offset just after the last complete line. */
    private long scan(long limit, TextVisitor visitor) throws IOException {
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
    JournalLine readLine(long offset) {
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
            throw failure(e);
        }
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
        }
    }
}
