package org.senderroute.support;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of longs, all zero at first, kept in a memory-mapped scratch file rather than on the Java heap: the
 * tables that grow with the records of a file or with the ledger (one or two longs a record) then never take heap
 * space from the batches, and the operating system pages them like any file. The file is deleted when closed. Its
 * space is reserved when it is made (written with zeros, not left sparse): a full disk is then an error of
 * {@link #create}, never a fault of a later write into the mapping, which the JVM raises as an InternalError.
 */
public final class LongSlots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LongSlots.class);
    /** One mapping holds at most 2 GB. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE / Long.BYTES;

    private final Path file;
    private final MappedByteBuffer mapped;
    private final LongBuffer longs;
    private final int length;

    private LongSlots(Path file, MappedByteBuffer mapped, int length) {
        this.file = file;
        this.mapped = mapped;
        this.longs = mapped.asLongBuffer();
        this.length = length;
    }

    /**
     * {@code length} zero longs in a new scratch file in {@code dir} (created when missing).
     *
     * @throws LocalFaultException when the file cannot be made or its space reserved (a full disk)
     */
    public static LongSlots create(Path dir, String name, int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("a table of " + length + " slots does not fit one mapping (at most "
                    + MAX_LENGTH + ")");
        }
        Path file = null;
        try {
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, name + "-", ".slots");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long bytes = (long) length * Long.BYTES;
                reserve(channel, bytes);
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
                return new LongSlots(file, mapped, length);
            }
        } catch (IOException e) {
            deleteQuietly(file);
            throw new LocalFaultException("scratch file ", file == null ? dir : file, e);
        }
    }

    /** Writes the file's zeros, so that the disk space is taken now. */
    private static void reserve(FileChannel channel, long bytes) throws IOException {
        for (long at = 0; at < bytes;) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), bytes - at));
            at += channel.write(zeros, at);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("scratch table {} not deleted: {}", file, e.toString());
        }
    }

    /** Deletes the scratch files a process killed while they were open left in {@code dir}. */
    public static void removeLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.newDirectoryStream(dir, "*.slots")) {
            for (Path leftover : files) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            LOG.warn("scratch files in {} not removed: {}", dir, e.toString());
        }
    }

    public int length() {
        return length;
    }

    public long get(int i) {
        return longs.get(i);
    }

    public void set(int i, long value) {
        longs.put(i, value);
    }

    /** Unmaps the table at once (rather than when the collector finds it) and deletes its file. */
    @Override
    public void close() {
        unmap(mapped);
        deleteQuietly(file);
    }

    /** Read-only in effect: only duplicates of it are written from. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method invokeCleaner = null;
        Object unsafe = null;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("scratch tables are unmapped by the garbage collector: {}", e.toString());
        }
        INVOKE_CLEANER = invokeCleaner;
        UNSAFE = unsafe;
    }

    private static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("scratch table left to the garbage collector: {}", e.toString());
        }
    }
}
