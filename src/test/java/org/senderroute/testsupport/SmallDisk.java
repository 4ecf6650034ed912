package org.senderroute.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small file system of its own (a tmpfs mounted on a folder), to run the application with a full disk. Mounting
 * needs root: elsewhere the test is skipped, except in CI ({@code CI=true}), where it must run and fails instead.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve(".filler");
    }

    /** A file system of {@code megabytes} MB mounted on {@code mountPoint} (created when missing). */
    public static SmallDisk mount(Path mountPoint, int megabytes) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String why = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("a small disk is needed for this test and cannot be mounted in CI: " + why);
            }
            Assumptions.abort("a small disk cannot be mounted here (needs root): " + why);
        }
        return new SmallDisk(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the disk with a filler file so that about {@code bytes} bytes remain free. */
    public SmallDisk leaveFree(long bytes) {
        try {
            long free = Files.getFileStore(mountPoint).getUsableSpace();
            long fill = free - bytes;
            byte[] block = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(filler)) {
                for (long written = 0; written < fill; written += block.length) {
                    out.write(block, 0, (int) Math.min(block.length, fill - written));
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The disk is freed: the filler file goes. */
    public void free() {
        try {
            Files.deleteIfExists(filler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        String why = run("umount", "-l", mountPoint.toString());
        if (why != null) {
            throw new IllegalStateException("cannot unmount " + mountPoint + ": " + why);
        }
    }

    /** Runs a command; null when it succeeded, otherwise what went wrong. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not end";
            }
            String output = new String(process.getInputStream().readAllBytes()).trim();
            return process.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }
}
