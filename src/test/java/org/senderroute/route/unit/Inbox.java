package org.senderroute.route.unit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folders of a route test that runs the whole application ({@code route-unit/application-without-kaleyra.properties}):
 * {@code target/route-unit/<name>}, emptied before the application starts.
 */
final class Inbox {

    private final Path dir;

    private Inbox(Path dir) {
        this.dir = dir;
    }

    /** The folders of this name, emptied: call it before the application starts (in a static initializer). */
    static Inbox emptied(String name) {
        Path dir = Path.of("target", "route-unit", name);
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Inbox(dir);
    }

    /** Puts a complete file into the inbox at once (written aside, then moved), dated in the past. */
    Path drop(String name, String content) {
        try {
            Path aside = dir.resolve("staging").resolve(name);
            Files.createDirectories(aside.getParent());
            Files.createDirectories(dir.resolve("inbox"));
            Files.writeString(aside, content, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(aside, FileTime.from(Instant.now().minusSeconds(60)));
            return Files.move(aside, dir.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path done(String name) {
        return dir.resolve("inbox/.done").resolve(name);
    }

    Path error(String name) {
        return dir.resolve("inbox/.error").resolve(name);
    }

    Path failureOutputs() {
        return dir.resolve("failure");
    }
}
