package org.senderroute.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.senderroute.domain.FileRun;
import org.senderroute.support.NameLength;
import org.senderroute.support.NameStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a file out of the directory drop once its processing is over: to {@code .done} beside it, or to
 * {@code .error} when it could not be read or its processing failed. A file whose processing was interrupted by a
 * stop stays where it is, to be taken again at the next start. A file is never deleted: when a file of the same
 * name is already archived, the time is added to the new name (its start shortened when the name would be too long).
 */
public final class InboxArchive {

    private static final Logger LOG = LoggerFactory.getLogger(InboxArchive.class);

    private final Clock clock;

    public InboxArchive(Clock clock) {
        this.clock = clock;
    }

    public void done(@Header("CamelFileAbsolutePath") String path, @ExchangeProperty(FileRun.PROPERTY) FileRun run)
            throws IOException {
        if (run != null && run.isInterrupted()) {
            LOG.info("{}: stopped before its end; left in the inbox to be taken again at the next start", run.inputName());
            return;
        }
        move(Path.of(path), ".done");
    }

    public void failed(@Header("CamelFileAbsolutePath") String path) throws IOException {
        move(Path.of(path), ".error");
    }

    /** Moves the entry itself: a symbolic link is moved as a link, its target is never touched. */
    private void move(Path file, String folder) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path dir = file.resolveSibling(folder);
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        Path target = dir.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            String stamp = "." + NameStamp.at(clock.instant());
            target = dir.resolve(NameLength.fit(name, NameLength.MAX_BYTES - stamp.length()) + stamp);
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
