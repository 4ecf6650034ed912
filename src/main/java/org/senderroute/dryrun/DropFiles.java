package org.senderroute.dryrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files the directory drop would take, as its route finds them: regular files and links to files (refused when
 * read), directly in the inbox or, with {@code maxDepth} 2 (the {@code folder} account rule), in its account
 * folders; never in a folder starting with a dot ({@code .done}, {@code .error}); oldest first. Other entries (a
 * FIFO, a device, a socket) are left out, never opened.
 */
final class DropFiles {

    private DropFiles() {
    }

    /** The files of the drop with their paths in it ({@code acme/senders.csv}), oldest first. */
    static List<Path> in(Path inbox, int maxDepth) {
        if (!Files.isDirectory(inbox)) {
            throw new IllegalArgumentException("the inbox " + inbox + " (sender.inbox) is not a folder");
        }
        List<Path> files = new ArrayList<>();
        collect(inbox, inbox, 1, maxDepth, files);
        files.sort(Comparator.comparing((Path p) -> modified(inbox.resolve(p))).thenComparing(Path::toString));
        return files;
    }

    private static void collect(Path inbox, Path folder, int depth, int maxDepth, List<Path> files) {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.sorted().toList()) {
                if (entry.getFileName().toString().startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) {
                    if (depth < maxDepth) {
                        collect(inbox, entry, depth + 1, maxDepth, files);
                    }
                } else if (attributes.isRegularFile() || attributes.isSymbolicLink() && Files.isRegularFile(entry)) {
                    files.add(inbox.relativize(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the drop folder " + folder + " cannot be listed", e);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
