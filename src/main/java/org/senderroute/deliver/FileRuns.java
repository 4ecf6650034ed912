package org.senderroute.deliver;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.senderroute.ledger.FileLedger;

/**
 * Opens a {@link FileRun} for each input file. Output names start with the input's base name and carry the time
 * the file was taken ({@code BASE.20261126-210501-123.success.csv}), so a file dropped again never overwrites
 * the outputs of an earlier run; a file processed again after a crash or a stop keeps the names it had, so its
 * new outputs replace the ones of the interrupted run.
 */
public final class FileRuns {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Path stagingDir;
    private final Clock clock;
    private final FileLedger files;

    public FileRuns(Path stagingDir, Clock clock, FileLedger files) {
        this.stagingDir = stagingDir;
        this.clock = clock;
        this.files = files;
    }

    /**
     * Opens the run of the file in the message. A local file is fingerprinted and looked up in the file ledger: a
     * file already processed with the same name and content is marked as a duplicate, one taken before but not
     * finished gets the output names it had then.
     */
    public FileRun open(@Header("CamelFileNameOnly") String fileName, org.apache.camel.Exchange exchange)
            throws java.io.IOException {
        java.io.File body = exchange.getMessage().getBody(java.io.File.class);
        String name = fileName == null ? "input" : fileName;
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String stem = base + "." + STAMP.format(clock.instant());
        if (body == null || !body.isFile()) {
            return new FileRun(name, base, stem, stagingDir, null);
        }
        FileLedger.Visit visit = files.begin(name, FileLedger.sha256(body.toPath()), stem);
        return new FileRun(name, base, visit.outputStem(), stagingDir, visit);
    }

    /** Every output of the file is delivered: the file ledger records it as done. */
    public void recordDone(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        if (run.visit() != null) {
            files.done(run.inputName(), run.visit().sha256(), run.summary());
        }
    }

    /** Every batch is settled: flush and close the staged outputs. */
    public void finish(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        run.finish();
    }

    /** The outputs were delivered: remove their staged copies. */
    public void discardStaging(@ExchangeProperty(FileRun.PROPERTY) FileRun run) {
        run.discardStaging();
    }
}
