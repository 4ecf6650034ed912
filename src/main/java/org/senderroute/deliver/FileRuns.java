package org.senderroute.deliver;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.senderroute.domain.FileRun;
import org.senderroute.domain.FileVisit;
import org.senderroute.intake.LocalInput;
import org.senderroute.kaleyra.KaleyraAccounts;
import org.senderroute.ledger.FileLedger;
import org.senderroute.ledger.SenderLedger;
import org.senderroute.observe.SenderMetrics;
import org.senderroute.support.NameLength;
import org.senderroute.support.NameStamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a {@link FileRun} for each input file. Output names start with the input's base name and carry the time
 * the file was taken ({@code BASE.20261126-210501-123.success.csv}), so a file dropped again never overwrites
 * the outputs of an earlier run; a file processed again after a crash or a stop keeps the names it had, so its
 * new outputs replace the ones of the interrupted run. A base name too long for the output names to fit a file
 * system's 255 bytes is shortened, the same way every time ({@link NameLength}).
 */
public final class FileRuns {

    private static final Logger LOG = LoggerFactory.getLogger(FileRuns.class);

    /**
     * The longest base name kept whole in output names, in bytes: the longest output name
     * ({@code BASE.<20 characters of time>.summary.json}) is then 233 bytes, which leaves room for a temporary prefix
     * such as {@code .writing-} within the 255 bytes a file name may have. A longer base is shortened
     * ({@link NameLength}).
     */
    static final int MAX_BASE_BYTES = 200;

    private final Path stagingDir;
    private final Clock clock;
    private final AtomicLong lastStamp = new AtomicLong();
    private final FileLedger files;
    private final SenderMetrics metrics;
    private final Duration progressEvery;
    private final RunTotals totals = new RunTotals();
    private volatile KaleyraAccounts accounts;
    private volatile boolean guardFormulas = true;

    public FileRuns(Path stagingDir, Clock clock, FileLedger files, SenderMetrics metrics, Duration progressEvery) {
        this.stagingDir = stagingDir;
        this.clock = clock;
        this.files = files;
        this.metrics = metrics;
        this.progressEvery = progressEvery;
    }

    /**
     * The accounts whose rule gives each file its account: a file for which there is none is refused when it is
     * opened (one FILE_UNREADABLE row saying why, no batch, the file moves to .error).
     */
    public void useAccounts(KaleyraAccounts accounts) {
        this.accounts = accounts;
    }

    /** Whether output cells a spreadsheet would run as formulas are guarded (sender.output.guard-formulas). */
    public void guardFormulas(boolean guard) {
        this.guardFormulas = guard;
    }

    private SenderLedger senderLedger;

    /** The sender ledger whose settled senders are written when a file ends. */
    public void useSenderLedger(SenderLedger ledger) {
        this.senderLedger = ledger;
    }

    /**
     * The time for the names of a file's outputs, later than the one before: files in flight together, two of the same
     * name in two account folders among them, never share a staged output or an output name (names differ by their
     * millisecond).
     */
    private Instant nextStamp() {
        long now = clock.millis();
        return Instant.ofEpochMilli(lastStamp.updateAndGet(last -> Math.max(now, last + 1)));
    }

    /** The totals over every file of this run, for the last line of a --once run. */
    public RunTotals totals() {
        return totals;
    }

    /**
     * Opens the run of the file in the message. A local file is fingerprinted and looked up in the file ledger: a
     * file already processed with the same name and content is marked as a duplicate, one taken before but not
     * finished gets the output names it had then. A file in a sub-folder of the drop is named by its path in the drop
     * ({@code acme/senders.csv}), so files of the same name in two account folders are told apart. A file without
     * an account is not recorded in the file ledger: dropped again once its account is configured, it is processed.
     */
    public FileRun open(@Header("CamelFileNameOnly") String fileName, Exchange exchange) throws IOException {
        File body = exchange.getMessage().getBody(File.class);
        String name = fileName == null ? "input" : fileName;
        String inputName = pathInDrop(exchange, name);
        int dot = name.lastIndexOf('.');
        String base = NameLength.fit(dot > 0 ? name.substring(0, dot) : name, MAX_BASE_BYTES);
        String stem = base + "." + NameStamp.at(nextStamp());
        FileRun run;
        String assigned = exchange.getProperty(FileRun.ACCOUNT_PROPERTY, String.class);
        KaleyraAccounts.Choice account = accounts == null ? null
                : assigned != null ? accounts.named(assigned) : accounts.choose(inputName);
        String refusal = body == null ? null : LocalInput.refusal(body.toPath());
        if (account != null && !account.known()) {
            run = new FileRun(inputName, stem, stagingDir, null, metrics, progressEvery, guardFormulas);
            run.markUnreadable(1, account.refusal());
        } else if (refusal != null) {
            // a link, an empty file: refused before anything is read from it, and not recorded in the file ledger
            run = new FileRun(inputName, stem, stagingDir, null, metrics, progressEvery, guardFormulas);
            run.markUnreadable(1, refusal);
        } else if (body == null) {
            run = new FileRun(inputName, stem, stagingDir, null, metrics, progressEvery, guardFormulas);
        } else {
            FileVisit visit = files.begin(inputName, FileLedger.sha256(body.toPath()), stem);
            run = new FileRun(inputName, visit.outputStem(), stagingDir, visit, metrics, progressEvery, guardFormulas);
        }
        if (assigned != null) {
            run.assignAccount(assigned);
        }
        if (!run.isDuplicate()) {
            metrics.fileStarted();
        }
        return run;
    }

    /** The file's path relative to the drop (CamelFileName), or its name when that is not known. */
    private static String pathInDrop(Exchange exchange, String name) {
        String path = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        if (path == null || path.isBlank()) {
            return name;
        }
        path = path.replace('\\', '/');
        return path.endsWith("/" + name) || path.equals(name) ? path : name;
    }

    /** Every output of the file is delivered: the file ledger records it as done. */
    public void recordDone(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        if (run.visit() != null) {
            files.done(run.inputName(), run.visit().sha256(), run.summary());
        }
        totals.add(run);
    }

    /**
     * Every batch is settled: flush and close the staged outputs. When the file's processing was abandoned (see
     * {@link FileRun#abandon}), the file fails here, once its batches in flight are over.
     */
    public void finish(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        if (senderLedger != null) {
            senderLedger.flush();
        }
        Throwable abandoned = run.abandoned();
        if (abandoned != null) {
            metrics.fileEnded();
            throw new FileAbandonedException(run.inputName(), abandoned);
        }
        run.finish();
        metrics.fileEnded();
    }

    /**
     * Once every batch is over: when the file's processing was abandoned, what Kaleyra said is written to the ledger,
     * and the staged outputs are closed as far as they can be (what the disk takes of them is kept), so that a failed
     * file holds no file open.
     */
    public void releaseAbandoned(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        if (run.abandoned() != null) {
            if (senderLedger != null) {
                senderLedger.flush();
            }
            try {
                run.finish();
            } catch (RuntimeException e) {
                LOG.debug("staged outputs of {} not closed cleanly: {}", run.inputName(), e.toString());
            }
        }
    }

    /** The outputs were delivered: remove their staged copies. */
    public void discardStaging(@ExchangeProperty(FileRun.PROPERTY) FileRun run,
            @ExchangeProperty(FileRun.KEEP_OUTPUTS_PROPERTY) String keepIn) throws IOException {
        if (keepIn != null) {
            run.keepStaging(Path.of(keepIn));
        }
        run.discardStaging();
    }
}
