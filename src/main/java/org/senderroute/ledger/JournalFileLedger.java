package org.senderroute.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.senderroute.domain.FileVisit;

/**
 * The file ledger in the {@link LedgerJournal}: a line when a file is taken (written and forced to disk before any
 * of its records is sent), a line when its outputs are delivered. What it knows is kept in memory, by name and
 * SHA-256 (a few hundred bytes a file), rebuilt when the journal is read at start-up.
 */
public final class JournalFileLedger implements FileLedger, LedgerJournal.Reader {

    private final LedgerJournal journal;
    private final Map<String, FileVisit> files = new ConcurrentHashMap<>();

    /** The file ledger on this journal; the journal must then be read through with it ({@link LedgerJournal#replay}). */
    public JournalFileLedger(LedgerJournal journal) {
        this.journal = journal;
    }

    @Override
    public synchronized FileVisit begin(String fileName, String sha256, String proposedStem) {
        FileVisit known = files.get(key(fileName, sha256));
        if (known != null) {
            return known;
        }
        JournalText text = new JournalText(256);
        text.line(JournalLine.FILE_TAKEN);
        text.field(fileName).field(sha256).field(proposedStem).field(System.currentTimeMillis()).end();
        journal.append(text, null);
        FileVisit taken = new FileVisit(sha256, proposedStem, false, null, null);
        files.put(key(fileName, sha256), taken);
        return taken;
    }

    @Override
    public synchronized void done(String fileName, String sha256, String summary) {
        long now = System.currentTimeMillis();
        JournalText text = new JournalText(256 + summary.length());
        text.line(JournalLine.FILE_DONE);
        text.field(fileName).field(sha256).field(now).field(summary).end();
        journal.append(text, null);
        files.computeIfPresent(key(fileName, sha256), (k, v) -> new FileVisit(sha256, v.outputStem(), true,
                Instant.ofEpochMilli(now), summary));
    }

    @Override
    public void line(long offset, JournalLine line) {
        if (line.kind() == JournalLine.FILE_TAKEN) {
            files.put(key(line.field(0), line.field(1)), new FileVisit(line.field(1), line.field(2), false, null, null));
        } else if (line.kind() == JournalLine.FILE_DONE) {
            files.computeIfPresent(key(line.field(0), line.field(1)), (k, v) -> new FileVisit(v.sha256(), v.outputStem(), true,
                    Instant.ofEpochMilli(Long.parseLong(line.field(2))), line.field(3)));
        }
    }

    private static String key(String fileName, String sha256) {
        return fileName + "\n" + sha256;
    }
}
