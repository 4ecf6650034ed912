package org.senderroute.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal held by one running instance: an exclusive lock of the operating system on {@code <journal>.lock} beside
 * it, taken when the journal is opened, before anything of it is read, and released when it is closed. The system
 * releases it when the process ends, however it ends (a SIGKILL, a crash): a dead instance never blocks the next
 * start. The lock file says who holds it (written by the holder), for the instance refused to name it; it stays when
 * the lock is released.
 * <p>
 * File locks belong to the process, not to the application: a second application in the same JVM would not be
 * refused by the system (Java throws OverlappingFileLockException), and on some systems closing any channel to the
 * file drops the process' lock. The journals held in this process are therefore kept here too, and a second open of
 * one of them is refused without opening its lock file.
 */
final class JournalLock {

    static final String SUFFIX = ".lock";

    private static final Logger LOG = LoggerFactory.getLogger(JournalLock.class);
    /** The byte locked: one far past the holder's line, so that the line stays readable where locks are mandatory. */
    private static final long LOCKED_BYTE = Long.MAX_VALUE - 1;
    private static final int HOLDER_MAX_BYTES = 1024;
    private static final Map<Path, String> HELD_HERE = new ConcurrentHashMap<>();

    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private JournalLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the journal for this process; its folder must exist.
     *
     * @param holder who takes it, as the instance refused is told (e.g. {@code instance web-1-4242, process 4242})
     * @throws JournalInUseException when another running instance holds it
     */
    static JournalLock take(Path journal, String holder) throws IOException {
        Path lockFile = journal.toAbsolutePath().getParent().toRealPath().resolve(journal.getFileName() + SUFFIX);
        String description = holder + ", since " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String heldHere = HELD_HERE.putIfAbsent(lockFile, description);
        if (heldHere != null) {
            throw new JournalInUseException(journal, heldHere);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock(LOCKED_BYTE, 1, false);
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new JournalInUseException(journal, holderIn(channel));
            }
            channel.truncate(0);
            ByteBuffer line = ByteBuffer.wrap((description + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line, line.position());
            }
            channel.force(false);
            return new JournalLock(lockFile, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(lockFile);
            if (channel != null) {
                closeQuietly(channel);
            }
            throw e;
        }
    }

    /** The first line of the lock file, as its holder wrote it. */
    private static String holderIn(FileChannel channel) {
        try {
            ByteBuffer read = ByteBuffer.allocate(HOLDER_MAX_BYTES);
            while (read.hasRemaining() && channel.read(read, read.position()) > 0) {
                // up to the buffer's size or the end of the file
            }
            String text = new String(read.array(), 0, read.position(), StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String first = (end < 0 ? text : text.substring(0, end)).trim();
            return first.isEmpty() ? "which did not say its name" : first;
        } catch (IOException e) {
            return "which could not be read: " + e.getMessage();
        }
    }

    /** Lets the journal go (once; later calls do nothing). */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the ledger journal's lock {}: {}", lockFile, e.toString());
        } finally {
            closeQuietly(channel);
            HELD_HERE.remove(lockFile);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a ledger journal's lock file: {}", e.toString());
        }
    }
}
