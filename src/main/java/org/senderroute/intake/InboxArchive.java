package org.senderroute.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.senderroute.deliver.FileRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a file out of the directory drop once its processing is over: to {@code .done} beside it, or to
 * {@code .error} when it could not be read or its processing failed. A file whose processing was interrupted by a
 * stop stays where it is, to be taken again at the next start. A file is never deleted: when a file of the same
 * name is already archived, the time is added to the new name.
 */
public final class InboxArchive {

    private static final Logger LOG = LoggerFactory.getLogger(InboxArchive.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

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

    private void move(Path file, String folder) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Path dir = file.resolveSibling(folder);
        Files.createDirectories(dir);
        Path target = dir.resolve(file.getFileName());
        if (Files.exists(target)) {
            target = dir.resolve(file.getFileName() + "." + STAMP.format(clock.instant()));
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
