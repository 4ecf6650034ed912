package org.senderroute.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.senderroute.ledger.JournalLine;
import org.senderroute.ledger.LedgerJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outputs of earlier runs beside a ledger journal that is new: the journal was deleted, moved or configured anew, so
 * the senders this module created before are unknown to it, and Kaleyra will answer "Already exist" for them, which
 * then reads as a failure. Said in one WARN at start. Only {@code file:} destinations are looked into (their folder
 * and the folders one level below it, where outputs of folder accounts may go). Reads the journal through with the
 * ledger, to know whether it is new.
 */
final class EarlierOutputs implements LedgerJournal.Reader {

    private static final Logger LOG = LoggerFactory.getLogger(EarlierOutputs.class);

    private final LedgerJournal journal;
    private final List<String> destinations;

    EarlierOutputs(LedgerJournal journal, List<String> destinations) {
        this.journal = journal;
        this.destinations = destinations;
    }

    @Override
    public void line(long offset, JournalLine line) {
        // whether the journal holds anything is all that counts here
    }

    @Override
    public void replayed() {
        if (journal.isNew()) {
            warnBesideNewJournal(journal.file(), destinations);
        }
    }

    /** Warns when the folders of these output destinations (endpoint URIs) hold output files. */
    static void warnBesideNewJournal(Path journal, List<String> destinations) {
        Set<Path> folders = new LinkedHashSet<>();
        for (String uri : destinations) {
            Path folder = fileFolder(uri);
            if (folder != null && Files.isDirectory(folder)) {
                folders.add(folder.toAbsolutePath().normalize());
            }
        }
        Set<Path> outputs = new HashSet<>();
        List<String> holding = new ArrayList<>();
        for (Path folder : folders) {
            List<Path> here = outputsIn(folder);
            if (!here.isEmpty()) {
                outputs.addAll(here);
                holding.add(folder.toString());
            }
        }
        if (!outputs.isEmpty()) {
            LOG.warn("The ledger journal {} is new, but {} already {} {} output {} of earlier runs: the ledger is"
                    + " empty, so senders this module created before are unknown to it and come back as \"Already"
                    + " exist\" failures if they are sent again. If the journal was deleted or moved, stop and put it"
                    + " back (sender.ledger.journal)", journal, String.join(" and ", holding),
                    holding.size() == 1 ? "holds" : "hold", outputs.size(), outputs.size() == 1 ? "file" : "files");
        }
    }

    /** The folder of a {@code file:} endpoint URI, or null for any other endpoint. */
    private static Path fileFolder(String uri) {
        if (uri == null || !uri.startsWith("file:")) {
            return null;
        }
        String path = uri.substring("file:".length());
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        return path.isBlank() ? null : Path.of(path);
    }

    /** The output files in the folder and the folders right below it. */
    private static List<Path> outputsIn(Path folder) {
        try (Stream<Path> files = Files.walk(folder, 2)) {
            return files.filter(EarlierOutputs::isOutput).toList();
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("looking for outputs in {}: {}", folder, e.toString());
            return List.of();
        }
    }

    private static boolean isOutput(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".success.csv") || name.endsWith(".failure.csv"))
                && Files.isRegularFile(file);
    }
}
