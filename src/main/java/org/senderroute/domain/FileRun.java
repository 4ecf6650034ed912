package org.senderroute.domain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Everything that happens to one input file: where its success and failure rows are staged, and the counts for
 * its summary line. Shared by the batches of the file (which may be answered on several threads), so every
 * method that records an outcome is synchronized.
 */
public final class FileRun {

    private static final Logger LOG = LoggerFactory.getLogger(FileRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The exchange property that carries the run through the routes. */
    public static final String PROPERTY = "senderFileRun";

    /**
     * The exchange property by which an intake gives the file its account (the HTTP intake: the account of the token),
     * instead of the file's path in its drop.
     */
    public static final String ACCOUNT_PROPERTY = "senderAccount";

    /** The exchange property naming a folder where the staged outputs are kept once delivered (the HTTP intake's). */
    public static final String KEEP_OUTPUTS_PROPERTY = "senderKeepOutputs";

    static final String[] SUCCESS_COLUMNS = {"record", "sender", "description", "iso_code", "entity_id", "kaleyra_id",
        "status", "code", "message"};
    static final String[] FAILURE_COLUMNS = {"record", "sender", "description", "iso_code", "entity_id", "error_code",
        "error_message"};

    private final FileVisit visit;
    private final String inputName;
    private final String outputStem;
    private final long startNanos = System.nanoTime();
    private final OutcomeFile success;
    private final OutcomeFile failure;
    private final Map<String, Long> failedByCode = new TreeMap<>();
    private final OutcomeCounter counter;
    private final long progressEveryNanos;
    private long lastProgressNanos = System.nanoTime();
    private long sizeBytes = -1;
    private LongSupplier bytesRead = () -> -1;
    private String format = "?";
    private long calls;
    private long batches;
    private String unreadable;
    private boolean refused;
    private volatile String apiUnavailable;
    private volatile Throwable abandoned;
    private volatile boolean interrupted;
    private volatile String account;

    public FileRun(String inputName, String outputStem, Path stagingDir, FileVisit visit,
            OutcomeCounter counter, Duration progressEvery, boolean guardFormulas) {
        this.counter = counter;
        this.progressEveryNanos = progressEvery.toNanos();
        this.visit = visit;
        this.inputName = inputName;
        this.outputStem = outputStem;
        this.success = new OutcomeFile(stagingDir.resolve(outputStem + ".success.csv"), guardFormulas, SUCCESS_COLUMNS);
        this.failure = new OutcomeFile(stagingDir.resolve(outputStem + ".failure.csv"), guardFormulas, FAILURE_COLUMNS);
    }

    public String inputName() {
        return inputName;
    }

    /**
     * The account the intake gave the file (the HTTP intake: the account whose token came with it); null when the
     * account follows from the file's path in its drop ({@code sender.accounts.rule}).
     */
    public String account() {
        return account;
    }

    public void assignAccount(String name) {
        this.account = name;
    }

    /** What the file ledger said when the file was taken; null when the input was not a local file. */
    public FileVisit visit() {
        return visit;
    }

    /** The same name and content were processed before: the file is not processed again. */
    public boolean isDuplicate() {
        return visit != null && visit.alreadyDone();
    }

    public String duplicateNote() {
        return inputName + " has the same name and content as a file processed on " + visit.doneAt()
                + ": not processed again (" + visit.summary() + ")";
    }

    public void format(String format) {
        this.format = format;
    }

    public synchronized void succeeded(SenderRequest r, String kaleyraId, String status, String code, String message) {
        success.write(Long.toString(r.record()), r.sender(), r.description(), r.isoCode(), r.entityId(), kaleyraId, status,
                code, message);
        counter.succeeded(1);
    }

    public synchronized void failed(SenderRequest r, Failure why) {
        failure.write(Long.toString(r.record()), r.sender(), r.description(), r.isoCode(), r.entityId(), why.code(),
                why.message());
        failedByCode.merge(why.code(), 1L, Long::sum);
        counter.failed(why.code());
    }

    /** The file cannot be read from record {@code atRecord} on (or at all when it is 1). */
    public synchronized void markUnreadable(long atRecord, String reason) {
        this.unreadable = reason;
        this.refused = atRecord <= 1;
        String message = (atRecord <= 1 ? "the file could not be read: " : "records from " + atRecord
                + " on were not read: ") + reason;
        failure.write(Long.toString(atRecord), null, null, null, null, Failure.FILE_UNREADABLE, message);
    }

    /** An earlier batch gave up on an unavailable API: the rest of the file is not sent. */
    public void apiUnavailable(String why) {
        if (apiUnavailable == null) {
            apiUnavailable = why;
        }
    }

    public String apiUnavailable() {
        return apiUnavailable;
    }

    /**
     * The file's processing failed (a local fault such as a full disk, or an error nobody planned for): no further
     * call is made and no further batch read for it, and the file fails once its batches in flight are over.
     */
    public void abandon(Throwable why) {
        if (abandoned == null) {
            abandoned = why;
        }
    }

    /** Why the file's processing was abandoned, or null. */
    public Throwable abandoned() {
        return abandoned;
    }

    /** The application is stopping: no further batch of this file is started. */
    public void interrupt() {
        interrupted = true;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    public synchronized void callMade() {
        calls++;
    }

    /** The file's size and how much of it has been read so far, for the progress line. */
    public void trackProgress(long size, LongSupplier read) {
        this.sizeBytes = size;
        this.bytesRead = read;
    }

    /** A batch is settled; every sender.progress.interval a progress line tells how far the file is. */
    public void batchDone() {
        String line = null;
        synchronized (this) {
            batches++;
            long now = System.nanoTime();
            if (now - lastProgressNanos >= progressEveryNanos) {
                lastProgressNanos = now;
                line = progress(now);
            }
        }
        if (line != null) {
            try (var mdc = MDC.putCloseable("senderFile", inputName)) {
                LOG.info(line);
            }
        }
    }

    private String progress(long now) {
        long done = records();
        double seconds = Math.max(0.001, (now - startNanos) / 1e9);
        double rate = done / seconds;
        long read = bytesRead.getAsLong();
        if (sizeBytes <= 0 || read < 0) {
            return String.format("%s: %d records settled, %.0f records/s", inputName, done, rate);
        }
        double fraction = Math.min(1.0, (double) read / sizeBytes);
        double left = fraction <= 0 ? -1 : seconds * (1 - fraction) / fraction;
        return String.format("%s: %d records settled, %.0f%% of the file read, %.0f records/s, about %.0f s left",
                inputName, done, fraction * 100, rate, left);
    }

    public synchronized boolean isUnreadable() {
        return unreadable != null;
    }

    /** Refused whole: not a record of the file was read (a link, an empty file, a file that is not well-formed...). */
    public synchronized boolean isRefused() {
        return refused;
    }

    public synchronized long succeededCount() {
        return success.count();
    }

    /** Failure rows for records (the FILE_UNREADABLE line, which is no record, is not counted). */
    public synchronized long failedCount() {
        return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized long records() {
        return succeededCount() + failedCount();
    }

    public synchronized long calls() {
        return calls;
    }

    public boolean hasSuccessFile() {
        return success.count() > 0;
    }

    public boolean hasFailureFile() {
        return failure.count() > 0;
    }

    public Path successFile() {
        return success.path();
    }

    public Path failureFile() {
        return failure.path();
    }

    public String successName() {
        return outputStem + ".success.csv";
    }

    public String failureName() {
        return outputStem + ".failure.csv";
    }

    /** Flushes and closes the staged outputs; called once every batch has been answered. */
    public synchronized void finish() {
        success.close();
        failure.close();
    }

    /** Moves the staged outputs (those with rows) into the folder, as success.csv and failure.csv. */
    public void keepStaging(Path folder) throws java.io.IOException {
        success.moveTo(folder.resolve("success.csv"));
        failure.moveTo(folder.resolve("failure.csv"));
    }

    /** Removes the staged outputs once they have been delivered. */
    public void discardStaging() {
        success.delete();
        failure.delete();
    }

    /** The per-file report, {@code STEM.summary.json}, delivered next to the outputs. */
    public synchronized String summaryJson() {
        var json = JSON.createObjectNode();
        json.put("file", inputName);
        json.put("format", format);
        json.put("sha256", visit == null ? null : visit.sha256());
        json.put("records", records());
        json.put("succeeded", succeededCount());
        json.put("failed", failedCount());
        var codes = json.putObject("failed_by_code");
        failedByCode.forEach(codes::put);
        json.put("batches", batches);
        json.put("calls", calls);
        json.put("duration_ms", (System.nanoTime() - startNanos) / 1_000_000);
        json.put("unreadable", unreadable);
        var outputs = json.putObject("outputs");
        outputs.put("success", hasSuccessFile() ? successName() : null);
        outputs.put("failure", hasFailureFile() ? failureName() : null);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String summaryName() {
        return outputStem + ".summary.json";
    }

    /** The name of the file's HTML report, beside its summary. */
    public String reportName() {
        return outputStem + ".report.html";
    }

    public synchronized Map<String, Long> failedByCode() {
        return new TreeMap<>(failedByCode);
    }

    public synchronized String summary() {
        String byCode = failedByCode.isEmpty() ? "" : failedByCode.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return String.format("%s [%s]: %d records, %d succeeded, %d failed%s, %d batches, %d calls, %.1f s%s",
                inputName, format, records(), succeededCount(), failedCount(), byCode, batches, calls, millis / 1000.0,
                unreadable == null ? "" : "; FILE UNREADABLE: " + unreadable);
    }
}
