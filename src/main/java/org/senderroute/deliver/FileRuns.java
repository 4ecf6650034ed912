package org.senderroute.deliver;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * Opens a {@link FileRun} for each input file. Output names start with the input's base name and carry the time
 * the file was taken ({@code BASE.20261126-210501-123.success.csv}), so a file dropped again never overwrites
 * the outputs of an earlier run.
 */
public final class FileRuns {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Path stagingDir;
    private final Clock clock;

    public FileRuns(Path stagingDir, Clock clock) {
        this.stagingDir = stagingDir;
        this.clock = clock;
    }

    public FileRun open(@Header("CamelFileNameOnly") String fileName) {
        String name = fileName == null ? "input" : fileName;
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String stem = base + "." + STAMP.format(clock.instant());
        return new FileRun(name, base, stem, stagingDir);
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
